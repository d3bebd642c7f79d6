import type { Logger } from '../platform/logger';
import type { SqlTarget } from '../platform/sql';
import { completeTakenAlongJobs, takenAlongJobIds } from './taken-along-jobs';

describe('taken-along jobs', () => {
  it('names the jobs of the answered messages, never the running job’s own nor a message stored without a job id', () => {
    const answered = [
      { id: 'own', waMessageId: 'w1', message: {}, jobId: '11' },
      { id: 'later', waMessageId: 'w2', message: {}, jobId: '12' },
      { id: 'old', waMessageId: 'w3', message: {}, jobId: null },
    ];
    expect(takenAlongJobIds(answered, 'own')).toEqual(['12']);
    // A system event's job has no message of its own: every answered message's job is taken along.
    expect(takenAlongJobIds(answered, undefined)).toEqual(['11', '12']);
  });

  it('does not fail the step when the jobs cannot be completed: it logs, and the jobs run as usual', async () => {
    const query = jest.fn().mockRejectedValue(new Error('connection terminated'));
    const warn = jest.fn();
    await expect(completeTakenAlongJobs({ query } as unknown as SqlTarget, { warn } as unknown as Logger, ['12', '13'])).resolves.toBeUndefined();
    expect(query).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ jobs: 2 }), expect.stringContaining('could not complete'));
  });

  it('sends no statement when the step took nothing along', async () => {
    const query = jest.fn();
    await completeTakenAlongJobs({ query } as unknown as SqlTarget, { warn: jest.fn() } as unknown as Logger, []);
    expect(query).not.toHaveBeenCalled();
  });
});
