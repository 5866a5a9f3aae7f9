// The customer's survey answer as the engineers read it: the rating, whether it was solved, and their comment.
import { Show } from 'solid-js';
import type { SurveyResult } from '../../../../server/protocol/support.ts';
import { formatDateTime } from '../../lib/format.ts';

export function solvedLabel(solved: boolean | null): string {
  return solved === null ? 'solved: not answered' : solved ? 'solved' : 'not solved';
}

/** "4/5 · solved": one line for tables. */
export function surveyLine(survey: SurveyResult): string {
  return `${survey.rating}/5 · ${solvedLabel(survey.solved)}`;
}

/** The answer in full (the workspace of a past session), or what to say when there is none. */
export function SurveySummary(props: { survey: SurveyResult | null }) {
  return (
    <section class="card stack tight" aria-labelledby="survey-title" data-testid="survey-summary">
      <h2 id="survey-title" class="section-title">
        Customer feedback
      </h2>
      <Show when={props.survey} fallback={<p class="muted small">The customer has not answered the survey.</p>}>
        {(s) => (
          <>
            <p>
              <strong aria-label={`Rated ${s().rating} out of 5`}>
                {'★'.repeat(s().rating)}
                <span class="muted">{'☆'.repeat(5 - s().rating)}</span> {s().rating}/5
              </strong>
              {' · '}
              {s().solved === null ? 'Did not say whether it was solved' : s().solved ? 'Problem solved' : 'Problem not solved'}
            </p>
            <Show when={s().comment} fallback={<p class="muted small">No comment.</p>}>
              <blockquote class="survey-comment">{s().comment}</blockquote>
            </Show>
            <p class="muted small">Answered {formatDateTime(s().at)}</p>
          </>
        )}
      </Show>
    </section>
  );
}
