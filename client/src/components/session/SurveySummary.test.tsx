// The survey answer on a past session and in the session log: rating, solved and the comment, as text (never HTML).
import { Router, Route } from '@solidjs/router';
import { describe, expect, it } from 'vitest';
import type { LoggedSession } from '../../api/support.ts';
import { LogTable } from '../../pages/SessionLog.tsx';
import { flush, mount } from '../../test/dom.ts';
import { SurveySummary, surveyLine } from './SurveySummary.tsx';

const answer = { rating: 2, solved: false, comment: 'Quick, but <b>the printer</b> still jams', at: '2026-12-01T10:00:00Z' };

describe('survey answers in the console', () => {
  it('the past session shows the rating, whether it was solved and the comment', () => {
    const view = mount(() => <SurveySummary survey={answer} />);
    const text = view.container.textContent!;
    expect(text).toContain('2/5');
    expect(text).toContain('Problem not solved');
    expect(view.container.querySelector('blockquote')!.textContent).toBe(answer.comment);
    expect(view.container.querySelector('b')).toBeNull();
    expect(view.container.querySelector('[aria-label="Rated 2 out of 5"]')).not.toBeNull();
    view.unmount();

    const unsure = mount(() => <SurveySummary survey={{ ...answer, solved: null, comment: '' }} />);
    expect(unsure.container.textContent).toContain('Did not say whether it was solved');
    expect(unsure.container.textContent).toContain('No comment.');
    unsure.unmount();

    const none = mount(() => <SurveySummary survey={null} />);
    expect(none.container.textContent).toContain('The customer has not answered the survey.');
    none.unmount();
  });

  it('the session log lists the answer beside the notes', async () => {
    const base = { deskId: null as number | null, channel: 'chat' as const, status: 'ended' as const, ownerId: 1, ownerName: 'Olga', customer: [], createdAt: '2026-12-01T09:00:00Z', takenAt: null, endedAt: null, participants: [], notes: '' };
    const sessions: LoggedSession[] = [
      { ...base, id: 1, survey: { ...answer, solved: true } },
      { ...base, id: 2, survey: null },
    ];
    const view = mount(() => (
      <Router>
        <Route path="*" component={() => <LogTable sessions={sessions} nameOf={() => 'Olga'} />} />
      </Router>
    ));
    await flush();
    const cells = [...view.container.querySelectorAll('td.survey-cell')].map((c) => c.textContent);
    expect(cells).toEqual([`2/5 · solved“${answer.comment}”`, '—']);
    expect(surveyLine({ ...answer, solved: null })).toBe('2/5 · solved: not answered');
    view.unmount();
  });
});
