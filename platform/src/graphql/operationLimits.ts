import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  validate,
  visit,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { envInt } from '../env.ts';

/**
 * Static limits checked before an operation runs: by the gateway before it plans a query, and by
 * every subgraph again before it executes one (a caller that reaches a subgraph directly meets
 * the same limits). Read from the same variables everywhere, so both agree.
 */
export interface OperationLimits {
  /** Deepest selection nesting. `GATEWAY_MAX_DEPTH`, default 10. */
  readonly maxDepth: number;
  /** Most aliases in one operation. `GATEWAY_MAX_ALIASES`, default 15. */
  readonly maxAliases: number;
  /**
   * Highest static cost estimate (objects 2, scalars 1, each level weighted 1.5, a list's cost
   * times its `first`/`last` and `_entities` times its representations). `GATEWAY_MAX_COST`,
   * default 5000.
   */
  readonly maxCost: number;
  /**
   * Most lexical tokens: graphql-js stops parsing past it (Apollo's `parseOptions.maxTokens`),
   * answering GRAPHQL_PARSE_FAILED. `GATEWAY_MAX_TOKENS`, default 2000.
   */
  readonly maxTokens: number;
  /** Most directives. `GATEWAY_MAX_DIRECTIVES`, default 20. */
  readonly maxDirectives: number;
  /**
   * Most entity representations in one `_entities` field (only subgraphs have it).
   * `SUBGRAPH_MAX_REPRESENTATIONS`, default 500: the gateway sends each distinct entity once,
   * and one page holds at most 100.
   */
  readonly maxRepresentations: number;
}

/** The codes the limits answer with; each comes with HTTP 400 over HTTP. */
export const operationLimitCodes = [
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'QUERY_TOO_COSTLY',
  'TOO_MANY_DIRECTIVES',
  'TOO_MANY_REPRESENTATIONS',
] as const;
export type OperationLimitCode = (typeof operationLimitCodes)[number];

export function operationLimitsFromEnv(): OperationLimits {
  return {
    maxDepth: envInt('GATEWAY_MAX_DEPTH', 10),
    maxAliases: envInt('GATEWAY_MAX_ALIASES', 15),
    // A page of 100 expenses with every field costs 8,450; two nested pages cost far more.
    maxCost: envInt('GATEWAY_MAX_COST', 10_000),
    maxTokens: envInt('GATEWAY_MAX_TOKENS', 2_000),
    maxDirectives: envInt('GATEWAY_MAX_DIRECTIVES', 20),
    maxRepresentations: envInt('SUBGRAPH_MAX_REPRESENTATIONS', 500),
  };
}

export interface OperationLimitOptions {
  /**
   * The request's variables, so that `first: $n` costs what `$n` says. Without them (a document
   * checked once for many requests), a list size given as a variable counts as `unknownListSize`.
   */
  readonly variables?: Readonly<Record<string, unknown>>;
  /**
   * Count fragments as no level (and no object) of their own. Subgraphs do: the gateway's
   * entity fetches wrap the client's selection in `_entities { ... on T { } }`, which would
   * otherwise make a query the gateway accepted one level deeper at the subgraph. A fragment
   * resolves nothing by itself, so it adds no work either. Default false (the gateway).
   */
  readonly flattenFragments?: boolean;
}

/**
 * What a list size given by a variable counts as when the variable is unknown or not a whole
 * number: the largest page our connections serve.
 */
export const unknownListSize = 100;

/**
 * What `first: $n` counts as when the request leaves `$n` out or null: our connections' default
 * page (expense's `defaultPageSize`), which is what the subgraph then serves.
 */
export const defaultListSize = 20;

/**
 * The limits as validation rules, each rejecting with its own `extensions.code` and the limit in
 * the message: QUERY_TOO_DEEP, TOO_MANY_ALIASES, QUERY_TOO_COSTLY, TOO_MANY_DIRECTIVES,
 * TOO_MANY_REPRESENTATIONS.
 */
export function operationLimitRules(
  limits: OperationLimits,
  options: OperationLimitOptions = {},
): ValidationRule[] {
  const flattenFragments = options.flattenFragments ?? false;
  return [
    maxDepthRule({ n: limits.maxDepth, flattenFragments, ...rejectWith('QUERY_TOO_DEEP') }),
    maxAliasesRule({ n: limits.maxAliases, ...rejectWith('TOO_MANY_ALIASES') }),
    costRule(limits, options.variables, flattenFragments),
    maxDirectivesRule({ n: limits.maxDirectives, ...rejectWith('TOO_MANY_DIRECTIVES') }),
  ] as ValidationRule[];
}

/**
 * The limits as an Apollo Server plugin, checked once the operation is parsed and valid, before
 * it is planned (gateway) or executed (subgraph). They run here rather than as Apollo validation
 * rules because Apollo recodes every validation error as GRAPHQL_VALIDATION_FAILED, and clients
 * need to tell a depth limit from a typo: an error thrown here keeps its own code, and says
 * HTTP 400 (a thrown error is a 500 otherwise).
 *
 * Apollo hands every request with the same text (or persisted-query hash) the same parsed
 * document, so verdicts are kept per schema and document, and for one with variables per the
 * values of the variables the limits read (list sizes: `first`, `last`, `representations`'
 * length); other variables change no verdict. A repeated operation is then never validated again.
 */
export function operationLimitsPlugin<C extends BaseContext>(
  limits: OperationLimits,
  options: Pick<OperationLimitOptions, 'flattenFragments'> = {},
): ApolloServerPlugin<C> {
  const withoutVariables = operationLimitRules(limits, options);
  const verdicts = new WeakMap<
    GraphQLSchema,
    WeakMap<DocumentNode, Map<string, GraphQLError | null>>
  >();
  const firstViolation = (
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Readonly<Record<string, unknown>> | undefined,
  ): GraphQLError | null => {
    let forSchema = verdicts.get(schema);
    if (forSchema === undefined) {
      forSchema = new WeakMap();
      verdicts.set(schema, forSchema);
    }
    let forDocument = forSchema.get(document);
    if (forDocument === undefined) {
      forDocument = new Map();
      forSchema.set(document, forDocument);
    }
    const withVariables = usesVariables(document);
    const key = withVariables ? listSizeKey(document, variables ?? {}) : '';
    let verdict = forDocument.get(key);
    if (verdict === undefined) {
      const rules = withVariables
        ? operationLimitRules(limits, { ...options, variables: variables ?? {} })
        : withoutVariables;
      verdict = validate(schema, document, rules)[0] ?? null;
      // A client choosing new page sizes on every request must not grow this without bound.
      if (forDocument.size >= maxVerdictsPerDocument) forDocument.clear();
      forDocument.set(key, verdict);
    }
    return verdict;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          const violation = firstViolation(schema, document, request.variables);
          // A fresh error per request: Apollo may annotate the one it is given.
          if (violation !== null) {
            throw new GraphQLError(violation.message, {
              nodes: violation.nodes,
              extensions: { ...violation.extensions, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

const maxVerdictsPerDocument = 64;

/** The variables a document's list sizes come from, by document. */
const listSizeVariablesOf = new WeakMap<DocumentNode, readonly string[]>();

/**
 * What the limits read from a request's variables, as a key: each list-size variable's value
 * (a list by its length), in document order. Nothing else a variable holds changes a verdict.
 */
function listSizeKey(document: DocumentNode, variables: Readonly<Record<string, unknown>>): string {
  let names = listSizeVariablesOf.get(document);
  if (names === undefined) {
    const found = new Set<string>();
    visit(document, {
      Argument(argument) {
        const { name, value } = argument;
        if (
          value.kind === Kind.VARIABLE &&
          (name.value === 'first' || name.value === 'last' || name.value === 'representations')
        ) {
          found.add(value.name.value);
        }
      },
    });
    names = [...found];
    listSizeVariablesOf.set(document, names);
  }
  return JSON.stringify(
    names.map((name) => {
      const value = variables[name];
      return Array.isArray(value) ? { length: value.length } : (value ?? null);
    }),
  );
}

function usesVariables(document: DocumentNode): boolean {
  return document.definitions.some(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (definition.variableDefinitions?.length ?? 0) > 0,
  );
}

function limitError(message: string, code: OperationLimitCode, nodes?: GraphQLError['nodes']) {
  return new GraphQLError(message, { nodes, extensions: { code } });
}

function rejectWith(code: OperationLimitCode) {
  return {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        context?.reportError(
          limitError(error.message.replace(/^Syntax Error: /, ''), code, error.nodes),
        );
      },
    ],
  };
}

const objectCost = 2;
const scalarCost = 1;
const depthCostFactor = 1.5;

/**
 * graphql-armor's cost formula (objects 2, scalars 1, each level 1.5 times its children), with
 * list sizes counted wherever they come from. armor multiplies by `first`/`last` only when
 * written inline, so `first: $n` and `_entities` cost as one item each: nesting them is how one
 * request made a subgraph build millions of objects. Here a list's subtree costs its size times
 * over, whether literal, a variable or a list of representations, so the cost bounds how many
 * objects a request can make, and with it the memory and time it can take.
 */
function costRule(
  limits: OperationLimits,
  variables: Readonly<Record<string, unknown>> | undefined,
  flattenFragments: boolean,
): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentCosts = new Map<string, number>();
    const visiting = new Set<string>();
    let tooManyRepresentations: GraphQLError | undefined;

    const argumentValue = (value: ValueNode): unknown => {
      switch (value.kind) {
        case Kind.VARIABLE:
          return variables?.[value.name.value];
        case Kind.INT:
          return Number.parseInt(value.value, 10);
        case Kind.LIST:
          return value.values;
        default:
          return undefined;
      }
    };

    const listSize = (field: FieldNode): number => {
      let size = 1;
      for (const argument of field.arguments ?? []) {
        const name = argument.name.value;
        if (name === 'first' || name === 'last') {
          const value = argumentValue(argument.value);
          const known = typeof value === 'number' && Number.isInteger(value) && value >= 0;
          // Left out of variables the request did send, or written null: the default page.
          const omitted =
            argument.value.kind === Kind.NULL ||
            (argument.value.kind === Kind.VARIABLE && variables !== undefined && value == null);
          size = Math.max(size, known ? value : omitted ? defaultListSize : unknownListSize);
        } else if (name === 'representations' && field.name.value === '_entities') {
          const value = argumentValue(argument.value);
          const count = Array.isArray(value) ? value.length : unknownListSize;
          if (count > limits.maxRepresentations && tooManyRepresentations === undefined) {
            tooManyRepresentations = limitError(
              `At most ${limits.maxRepresentations} entity representations per request, found ${count}.`,
              'TOO_MANY_REPRESENTATIONS',
              [field],
            );
          }
          size = Math.max(size, count);
        }
      }
      return size;
    };

    const selectionsCost = (selectionSet: SelectionSetNode): number =>
      selectionSet.selections.reduce((sum, selection) => sum + selectionCost(selection), 0);

    const fragmentCost = (name: string): number => {
      const known = fragmentCosts.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      // A cycle is refused by graphql-js's own NoFragmentCyclesRule; count it once here.
      if (fragment === undefined || fragment === null || visiting.has(name)) return 0;
      visiting.add(name);
      const cost = selectionsCost(fragment.selectionSet);
      visiting.delete(name);
      fragmentCosts.set(name, cost);
      return cost;
    };

    const fieldCost = (field: FieldNode): number => {
      if (field.name.value === '__schema') return 0;
      if (field.selectionSet === undefined) return scalarCost;
      return (objectCost + depthCostFactor * selectionsCost(field.selectionSet)) * listSize(field);
    };

    // Each selection's share of its parent's cost, before the parent's 1.5 weighting.
    const selectionCost = (selection: SelectionNode): number => {
      switch (selection.kind) {
        case Kind.FIELD:
          return fieldCost(selection);
        case Kind.INLINE_FRAGMENT:
          return flattenFragments
            ? selectionsCost(selection.selectionSet)
            : objectCost + depthCostFactor * selectionsCost(selection.selectionSet);
        case Kind.FRAGMENT_SPREAD: {
          const inner = fragmentCost(selection.name.value);
          return flattenFragments
            ? inner
            : scalarCost + depthCostFactor * (objectCost + depthCostFactor * inner);
        }
      }
    };

    return {
      OperationDefinition(operation) {
        tooManyRepresentations = undefined;
        const cost = selectionsCost(operation.selectionSet);
        if (tooManyRepresentations !== undefined) context.reportError(tooManyRepresentations);
        if (cost > limits.maxCost) {
          context.reportError(
            limitError(
              `Query Cost limit of ${limits.maxCost} exceeded, found ${formatCost(cost)}.`,
              'QUERY_TOO_COSTLY',
              [operation],
            ),
          );
        }
      },
    };
  };
}

function formatCost(cost: number): string {
  return Number.isFinite(cost) ? String(Math.round(cost)) : 'more than can be counted';
}
