import {
  Kind,
  OperationTypeNode,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
  type VariableNode,
} from 'graphql';
import { CodedError } from '@cashtrack/platform';
import type { ResolvedAlone } from './resolvedAlone.ts';

/**
 * How a subscription field of the public schema is served. When the owning subgraph resolves the
 * client's whole selection and it selects the cursor, the client's subscription goes to it as it
 * is (its resume argument bound to a variable of the gateway's) and its events are the client's
 * results. Otherwise the subgraph streams only cursors, and for each one the gateway
 * runs the client's own selection as a query on `lookupField(cursor)`, so fields owned by any
 * subgraph (`expense { user { displayName } }`) are resolved by ordinary query planning, with the
 * subscriber's token.
 */
export interface SubscriptionRoute {
  readonly subgraph: string;
  /** The subscription's `after` argument: resume after this cursor. */
  readonly resumeArgument: string;
  readonly lookupField: string;
}

export const subscriptionRoutes: Readonly<Record<string, SubscriptionRoute>> = {
  expenseChanged: { subgraph: 'expense', resumeArgument: 'after', lookupField: 'expenseChange' },
};

/** The client's operation as a query on the lookup field, run for each upstream cursor. */
export interface FollowUp {
  readonly document: DocumentNode;
  variables(cursor: string): Record<string, unknown>;
}

export interface SubscriptionPlan {
  readonly route: SubscriptionRoute;
  /** The key of the subscription field in each upstream event. */
  readonly upstreamField: string;
  /** Its variables are this subscriber's own: `resumeVariable` moves on to each cursor heard. */
  readonly upstream: { readonly query: string; readonly variables: Record<string, unknown> };
  readonly resumeVariable: string;
  /** Undefined when the upstream events are the client's results as they are. */
  readonly followUp: FollowUp | undefined;
}

const cursorVariable = 'cashtrackSubscriptionCursor';
/** The direct path's own variable for the resume argument, whatever the client wrote there. */
const resumeVariable = 'cashtrackResumeAfter';

interface OperationPlan {
  readonly lookup: DocumentNode;
  /**
   * The client's operation, printed, with the resume argument taken from `resumeVariable`, when
   * the owning subgraph resolves all of it and it selects the cursor (which resuming needs).
   */
  readonly direct: string | undefined;
}

/** Plans by operation: subscribers sending the same text share one. */
const operationPlans = new WeakMap<OperationDefinitionNode, OperationPlan>();

/**
 * Plans one subscription operation: it must select exactly one routed field. Throws
 * BAD_SUBSCRIPTION for anything else. Without `resolvedAlone`, every event is followed up.
 */
export function planSubscription(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  resolvedAlone?: ResolvedAlone,
): SubscriptionPlan {
  const [field, ...others] = operation.selectionSet.selections;
  if (field?.kind !== Kind.FIELD || others.length > 0) {
    throw new CodedError(
      'BAD_SUBSCRIPTION',
      'A subscription selects exactly one field, without fragments',
    );
  }
  const route = subscriptionRoutes[field.name.value];
  if (route === undefined) {
    throw new CodedError('BAD_SUBSCRIPTION', `There is no subscription field ${field.name.value}`);
  }

  let planned = operationPlans.get(operation);
  if (planned === undefined) {
    const lookup = lookupQuery(document, operation, field, route);
    const direct =
      selectsCursor(field) && resolvedAlone?.(lookup, route.subgraph) === true
        ? print(resumingFromVariable(operation, field, route))
        : undefined;
    planned = { lookup, direct };
    operationPlans.set(operation, planned);
  }

  const resume = field.arguments?.find((argument) => argument.name.value === route.resumeArgument);
  let after: unknown = null;
  if (resume?.value.kind === Kind.VARIABLE) after = variables[resume.value.name.value] ?? null;
  else if (resume?.value.kind === Kind.STRING) after = resume.value.value;
  if (planned.direct !== undefined) {
    return {
      route,
      upstreamField: field.alias?.value ?? field.name.value,
      upstream: { query: planned.direct, variables: { ...variables, [resumeVariable]: after } },
      resumeVariable,
      followUp: undefined,
    };
  }
  return {
    route,
    upstreamField: field.name.value,
    upstream: {
      query: cursorQuery(field.name.value, route),
      variables: { after },
    },
    resumeVariable: 'after',
    followUp: new LookupFollowUp(planned.lookup, variables),
  };
}

/** Whether the field selects `cursor` itself, unaliased, so each event says where it is. */
function selectsCursor(field: FieldNode): boolean {
  return (
    field.selectionSet?.selections.some(
      (selection) =>
        selection.kind === Kind.FIELD &&
        selection.name.value === 'cursor' &&
        selection.alias === undefined,
    ) === true
  );
}

/** The operation alone, its routed field's resume argument bound to `resumeVariable`. */
function resumingFromVariable(
  operation: OperationDefinitionNode,
  field: FieldNode,
  route: SubscriptionRoute,
): DocumentNode {
  const rewritten = visit(operation, {
    OperationDefinition(node) {
      return {
        ...node,
        variableDefinitions: withStringVariable(node, resumeVariable, { nonNull: false }),
      };
    },
    Field(node) {
      if (node !== field) return undefined;
      return {
        ...node,
        arguments: [
          ...(node.arguments ?? []).filter(
            (argument) => argument.name.value !== route.resumeArgument,
          ),
          {
            kind: Kind.ARGUMENT,
            name: { kind: Kind.NAME, value: route.resumeArgument },
            value: variableNamed(resumeVariable),
          },
        ],
      };
    },
  });
  return withoutUnusedVariables({ kind: Kind.DOCUMENT, definitions: [rewritten] });
}

/**
 * A plan's follow-up, with `variables` on the prototype: under tsx (esbuild keepNames) an arrow
 * function in an object literal gets `__name`, which turns it into a dictionary-mode object of
 * some 300 bytes, kept for as long as the subscription runs.
 */
class LookupFollowUp implements FollowUp {
  constructor(
    readonly document: DocumentNode,
    private readonly clientVariables: Readonly<Record<string, unknown>>,
  ) {}

  variables(cursor: string): Record<string, unknown> {
    return { ...this.clientVariables, [cursorVariable]: cursor };
  }
}

/** Cursor-only upstream subscriptions by field: one string for all subscribers, not one each. */
const cursorQueries = new Map<string, string>();

function cursorQuery(field: string, route: SubscriptionRoute): string {
  let query = cursorQueries.get(field);
  if (query === undefined) {
    query = `subscription ($after: String) { ${field}(${route.resumeArgument}: $after) { cursor } }`;
    cursorQueries.set(field, query);
  }
  return query;
}

/** The client's operation as a query on the route's lookup field, taking the cursor variable. */
function lookupQuery(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  field: FieldNode,
  route: SubscriptionRoute,
): DocumentNode {
  const rewritten = visit(document, {
    OperationDefinition(node) {
      if (node !== operation) return null;
      return {
        ...node,
        operation: OperationTypeNode.QUERY,
        variableDefinitions: withStringVariable(node, cursorVariable, { nonNull: true }),
      };
    },
    Field(node) {
      if (node !== field) return undefined;
      return {
        ...node,
        alias: node.alias ?? node.name,
        name: { kind: Kind.NAME, value: route.lookupField },
        arguments: [
          {
            kind: Kind.ARGUMENT,
            name: { kind: Kind.NAME, value: 'cursor' },
            value: variableNamed(cursorVariable),
          },
        ],
      };
    },
  });

  return withoutUnusedVariables(rewritten);
}

function variableNamed(name: string): VariableNode {
  return { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } };
}

/** The operation's variable definitions and one more, `$name: String` (or `String!`). */
function withStringVariable(
  operation: OperationDefinitionNode,
  name: string,
  { nonNull }: { readonly nonNull: boolean },
): VariableDefinitionNode[] {
  const string: NamedTypeNode = {
    kind: Kind.NAMED_TYPE,
    name: { kind: Kind.NAME, value: 'String' },
  };
  return [
    ...(operation.variableDefinitions ?? []),
    {
      kind: Kind.VARIABLE_DEFINITION,
      variable: variableNamed(name),
      type: nonNull ? { kind: Kind.NON_NULL_TYPE, type: string } : string,
    },
  ];
}

/** Drops variable definitions nothing uses any more (the subscription field's own arguments). */
function withoutUnusedVariables(document: DocumentNode): DocumentNode {
  const used = new Set<string>();
  visit(document, {
    VariableDefinition: () => false,
    Variable(node) {
      used.add(node.name.value);
    },
  });
  return visit(document, {
    VariableDefinition(node) {
      return used.has(node.variable.name.value) ? undefined : null;
    },
  });
}
