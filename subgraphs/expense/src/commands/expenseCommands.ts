import { randomUUID } from 'node:crypto';
import { newEvent, type CashTrackEvent } from '@cashtrack/events';
import { type EventProducer } from '@cashtrack/events/kafka';
import { CodedError } from '@cashtrack/platform';
import { categoryCorrectionOf } from '../domain/categoryCorrection.ts';
import {
  checkClientId,
  clientIdReused,
  manualExpenseIdFor,
  messageIdFor,
  sameExpenseValues,
} from '../domain/clientIds.ts';
import { decideExpense, type ExpenseCommand, type ExpenseEventDraft } from '../domain/expense.ts';
import { decideSubmitExpenseMessage } from '../domain/expenseMessage.ts';
import {
  calendarDateIn,
  checkExpenseInput,
  type ExpenseInput,
  type ExpenseValues,
} from '../domain/expenseValues.ts';
import {
  expenseMessageViewOf,
  type ExpenseMessageView,
} from '../readModels/expenseMessagesReadModel.ts';
import {
  expenseStateOf,
  expenseViewOf,
  projectionOfEvent,
  type ExpenseDocument,
  type ExpenseView,
} from '../readModels/expensesReadModel.ts';
import type { ExpenseReadModels } from '../readModels/readModels.ts';
import { userSettingsOf } from '../readModels/userSettingsReadModel.ts';
import { awaitProjection } from './awaitProjection.ts';

/** The input of addExpense/updateExpense: currency and date default to the user's. */
export interface ExpenseInputArgument {
  readonly amount: string;
  readonly currency?: string | null;
  readonly category: string;
  readonly description?: string | null;
  readonly occurredOn?: string | null;
}

export interface CommandCaller {
  readonly userId: string;
  readonly correlationId: string;
}

export interface ExpenseCommandsOptions {
  readonly models: ExpenseReadModels;
  readonly producer: Pick<EventProducer, 'publish'>;
  /** How long a mutation waits for its event to be projected. */
  readonly projectionWaitMs: number;
  readonly now: () => Date;
}

export interface ExpenseCommands {
  /** With a `clientMessageId`, a retry answers the message the first call made (clientIds.ts). */
  logExpense(
    caller: CommandCaller,
    text: string,
    clientMessageId?: string,
  ): Promise<ExpenseMessageView>;
  /** With a `clientExpenseId`, a retry answers the expense the first call made (clientIds.ts). */
  addExpense(
    caller: CommandCaller,
    input: ExpenseInputArgument,
    clientExpenseId?: string,
  ): Promise<ExpenseView>;
  updateExpense(
    caller: CommandCaller,
    id: string,
    input: ExpenseInputArgument,
    expectedVersion: number | undefined,
  ): Promise<ExpenseView>;
  /** Resolves with the id and whether the deletion is still waiting for the projector. */
  deleteExpense(
    caller: CommandCaller,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<{ id: string; pending: boolean }>;
}

/**
 * The write side. The event is the only write: a command validates its input, decides against
 * the current state read from the `expenses` read model (version and owner), publishes the
 * event at the next `aggregateVersion`, then waits for the projector to apply it.
 *
 * Concurrent writers: two commands on one expense can both read version n and both publish
 * version n + 1. Both events are in the topic, in one order (one user's events share a
 * partition); the projector applies the first and ignores the second as a duplicate version,
 * live and on every replay. The loser's command, waiting for its event, finds another eventId
 * at its version and answers CONFLICT, so it never reports a change that did not happen.
 */
export function createExpenseCommands(options: ExpenseCommandsOptions): ExpenseCommands {
  const { models, producer, projectionWaitMs, now } = options;

  async function checkedValues(caller: CommandCaller, input: ExpenseInputArgument) {
    const settings = await userSettingsOf(models.userSettings, caller.userId);
    const today = calendarDateIn(now(), settings.timezone);
    const expenseInput: ExpenseInput = {
      amount: input.amount,
      currency: input.currency ?? settings.currency,
      category: input.category,
      description: input.description ?? '',
      occurredOn: input.occurredOn ?? today,
    };
    return checkExpenseInput(expenseInput, today);
  }

  /**
   * Publishes the decided event and waits until the `expenses` document shows it: the document
   * when it does, undefined when the wait ran out; CONFLICT when another event took its version.
   */
  async function publishExpenseEvent(
    caller: CommandCaller,
    expenseId: string,
    draft: ExpenseEventDraft,
  ): Promise<{ document: ExpenseDocument | undefined; event: CashTrackEvent; at: Date }> {
    const at = now();
    const event = newEvent({
      type: draft.type,
      userId: caller.userId,
      aggregateId: expenseId,
      aggregateVersion: draft.aggregateVersion,
      payload: draft.payload,
      correlationId: caller.correlationId,
      now: at,
    });
    await producer.publish([event]);
    const document = await awaitProjection(async () => {
      const current = await models.expenses.findOne({ _id: expenseId });
      switch (projectionOfEvent(current, draft.aggregateVersion, event.eventId)) {
        case 'waiting':
          return undefined;
        case 'lost':
          throw conflict(expenseId);
        case 'applied':
          return current ?? undefined;
      }
    }, projectionWaitMs);
    return { document, event, at };
  }

  /**
   * The expense an earlier send of the same `addExpense` made, if there was one; a live expense
   * never changed since with other values means the client id was reused for another expense.
   * One deleted since cannot be the answer, and adding it again would undo the person's delete.
   */
  async function addedBefore(
    expenseId: string,
    values: ExpenseValues,
  ): Promise<ExpenseDocument | null> {
    const document = await models.expenses.findOne({ _id: expenseId });
    if (document === null) return null;
    if (document.deleted) {
      throw new CodedError('NOT_FOUND', 'The expense this request added was deleted since');
    }
    if (document.aggregateVersion === 1 && !sameExpenseValues(document, values)) {
      throw clientIdReused('clientExpenseId');
    }
    return document;
  }

  async function decideOn(caller: CommandCaller, expenseId: string, command: ExpenseCommand) {
    const current = await models.expenses.findOne({ _id: expenseId });
    const [draft] = decideExpense(command, expenseStateOf(current));
    if (draft === undefined) throw new Error(`${command.type} decided no event`);
    return { current, draft };
  }

  return {
    async logExpense(caller, text, clientMessageId) {
      const settings = await userSettingsOf(models.userSettings, caller.userId);
      const draft = decideSubmitExpenseMessage({
        type: 'SubmitExpenseMessage',
        text,
        timezone: settings.timezone,
        currency: settings.currency,
      });
      const messageId =
        clientMessageId === undefined
          ? randomUUID()
          : messageIdFor(caller.userId, checkClientId(clientMessageId, 'clientMessageId'));
      // A message document exists only once its submission was published (the parser's answer
      // can land before the submission itself): this is a retry, so it answers what the first
      // call made, as it stands now.
      const repeated =
        clientMessageId === undefined
          ? null
          : await models.expenseMessages.findOne({ _id: messageId });
      if (repeated !== null) {
        if (repeated.text !== undefined && repeated.text !== draft.payload.text) {
          throw clientIdReused('clientMessageId');
        }
        return { ...expenseMessageViewOf(repeated), text: draft.payload.text };
      }
      const event = newEvent({
        type: draft.type,
        userId: caller.userId,
        aggregateId: messageId,
        aggregateVersion: draft.aggregateVersion,
        payload: draft.payload,
        correlationId: caller.correlationId,
        now: now(),
      });
      await producer.publish([event]);
      // Read-your-writes: once this returns, `expenseMessage(id)` finds the message. The answer
      // itself is the message as submitted, PENDING (DESIGN.md), even when the parser has
      // already answered by then; what it made is heard on `expenseChanged` or read by id.
      await awaitProjection(async () => {
        const current = await models.expenseMessages.findOne({ _id: messageId });
        // With a client id, a racing send of the same message may be the one projected.
        const submitted =
          current?.submittedEventId === event.eventId ||
          (clientMessageId !== undefined && current?.submittedEventId !== undefined);
        return submitted ? current : undefined;
      }, projectionWaitMs);
      return {
        id: messageId,
        userId: caller.userId,
        text: draft.payload.text,
        status: 'PENDING',
        expenseIds: [],
        reason: null,
        submittedAt: event.occurredAt,
      };
    },

    async addExpense(caller, input, clientExpenseId) {
      const values = await checkedValues(caller, input);
      if (clientExpenseId !== undefined) checkClientId(clientExpenseId, 'clientExpenseId');
      const expenseId =
        clientExpenseId === undefined
          ? randomUUID()
          : manualExpenseIdFor(caller.userId, clientExpenseId);
      const earlier = clientExpenseId === undefined ? null : await addedBefore(expenseId, values);
      if (earlier !== null) return expenseViewOf(earlier);
      const { draft } = await decideOn(caller, expenseId, {
        type: 'RecordExpense',
        userId: caller.userId,
        values,
      });
      const published = await publishExpenseEvent(caller, expenseId, draft).catch(
        async (error: unknown) => {
          // Two sends of one add raced: the first one's expense is this one's answer.
          const winner =
            clientExpenseId !== undefined &&
            error instanceof CodedError &&
            error.code === 'CONFLICT'
              ? await addedBefore(expenseId, values)
              : null;
          if (winner === null) throw error;
          return { document: winner, at: now() };
        },
      );
      const { document, at } = published;
      if (document !== undefined) return expenseViewOf(document);
      return {
        id: expenseId,
        userId: caller.userId,
        ...values,
        source: 'MANUAL',
        messageId: null,
        parsedBy: null,
        guessed: false,
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
        version: draft.aggregateVersion,
        pending: true,
      };
    },

    async updateExpense(caller, id, input, expectedVersion) {
      // An unknown or foreign id is NOT_FOUND before its input is judged, so ids reveal nothing.
      await requireOwn(caller, id);
      const values = await checkedValues(caller, input);
      const { current, draft } = await decideOn(caller, id, {
        type: 'UpdateExpense',
        userId: caller.userId,
        values,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
      });
      const correction = categoryCorrectionOf(id, expenseStateOf(current), {
        aggregateVersion: draft.aggregateVersion,
        values,
      });
      const { document, event, at } = await publishExpenseEvent(caller, id, draft);
      // Only once the update has won its version: a racing update that lost answers CONFLICT
      // above and teaches the parser nothing. When the wait runs out the outcome is unknown, so
      // the correction is left out, as it is when the process stops between the two publishes:
      // the parser misses one lesson rather than learn one the expense never took.
      if (document !== undefined && correction !== undefined) {
        await producer.publish([
          newEvent({
            type: 'ExpenseCategoryCorrected',
            userId: caller.userId,
            aggregateId: `${id}/category/${draft.aggregateVersion}`,
            aggregateVersion: 1,
            payload: correction,
            correlationId: caller.correlationId,
            causationId: event.eventId,
            now: new Date(event.occurredAt),
          }),
        ]);
      }
      if (document !== undefined) return expenseViewOf(document);
      if (current === null) throw notFound();
      return {
        ...expenseViewOf(current),
        ...values,
        guessed: false,
        updatedAt: at.toISOString(),
        version: draft.aggregateVersion,
        pending: true,
      };
    },

    async deleteExpense(caller, id, expectedVersion) {
      const { draft } = await decideOn(caller, id, {
        type: 'DeleteExpense',
        userId: caller.userId,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
      });
      const { document } = await publishExpenseEvent(caller, id, draft);
      return { id, pending: document === undefined };
    },
  };

  async function requireOwn(caller: CommandCaller, id: string): Promise<void> {
    const current = await models.expenses.findOne({ _id: id });
    if (current === null || current.deleted || current.userId !== caller.userId) throw notFound();
  }
}

function notFound(): CodedError {
  return new CodedError('NOT_FOUND', 'No such expense');
}

function conflict(expenseId: string): CodedError {
  return new CodedError(
    'CONFLICT',
    'Another change to this expense was saved at the same moment; reload it and try again',
    { expenseId },
  );
}
