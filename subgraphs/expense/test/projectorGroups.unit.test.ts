import { describe, expect, it } from '@jest/globals';
import { topicForEventType } from '@cashtrack/events';
import { expenseReadModelProjections } from '../src/projections/expenseReadModelProjections.ts';
import { topicsOf } from '../src/projections/readModelProjection.ts';
import { projectionsOfGroup, projectorGroups } from '../src/projections/projectorGroups.ts';

describe('the projector groups', () => {
  const projections = expenseReadModelProjections();

  it('read every topic a read model is built from, each in one group only', () => {
    const read = projectorGroups.flatMap((group) => group.topics);
    const needed = [...new Set(projections.flatMap((projection) => topicsOf(projection, '')))];
    expect([...read].sort()).toEqual([...needed].sort());
  });

  it('fetch parsed expenses apart from message submissions', () => {
    const groupOf = (topic: string) =>
      projectorGroups.find((group) => group.topics.some((read) => read === topic))?.groupId;
    expect(groupOf(topicForEventType('ExpenseRecorded'))).not.toBe(
      groupOf(topicForEventType('ExpenseMessageSubmitted')),
    );
  });

  it('write the messages after the expenses in the group that reads the expenses', () => {
    const written = projectorGroups.map((group) => ({
      groupId: group.groupId,
      takesOverFrom: group.takesOverFrom,
      readModels: projectionsOfGroup(group, projections).map((projection) => projection.name),
    }));
    expect(written).toEqual([
      {
        groupId: 'expense-projector',
        takesOverFrom: undefined,
        readModels: ['userSettings', 'expenses', 'expenseMessages'],
      },
      {
        groupId: 'expense-message-projector',
        takesOverFrom: 'expense-projector',
        readModels: ['expenseMessages'],
      },
    ]);
  });
});
