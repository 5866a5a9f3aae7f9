// After the session: the built-in survey (a 1-5 star rating, solved or not, a comment), or a link to the
// provider's own survey when they set one.
import { createSignal, createUniqueId, For, Match, Show, Switch } from 'solid-js';
import { errorMessage } from '../api/http.ts';
import { MAX_COMMENT_CHARS, type SurveyAnswer } from './api.ts';

const STARS = [1, 2, 3, 4, 5] as const;
const RATING_WORDS = ['', 'Very poor', 'Poor', 'Okay', 'Good', 'Excellent'];

export interface SurveyProps {
  /** The provider's own survey; when set, it replaces the built-in form. */
  surveyUrl: string | null;
  done: boolean;
  onSubmit: (answer: SurveyAnswer) => Promise<void>;
}

/** Only http(s) addresses are offered as a link. */
export function safeSurveyUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function Survey(props: SurveyProps) {
  const id = createUniqueId();
  const [rating, setRating] = createSignal(0);
  const [hover, setHover] = createSignal(0);
  const [solved, setSolved] = createSignal<boolean | null>(null);
  const [comment, setComment] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [sent, setSent] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    if (!rating()) {
      setError('Choose a rating from 1 to 5 stars.');
      return;
    }
    if (comment().length > MAX_COMMENT_CHARS) {
      setError(`The comment can have at most ${MAX_COMMENT_CHARS} characters.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit({ rating: rating(), ...(solved() === null ? {} : { solved: solved()! }), ...(comment().trim() ? { comment: comment().trim() } : {}) });
      setSent(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Switch>
      <Match when={safeSurveyUrl(props.surveyUrl)}>
        {(url) => (
          <section class="card stack survey" aria-labelledby={`${id}-title`}>
            <h2 id={`${id}-title`}>How did we do?</h2>
            <p>We would like to hear how the session went. The survey opens in a new tab.</p>
            <div class="actions start">
              <a class="button primary" href={url()} target="_blank" rel="noopener noreferrer">
                Open the survey
              </a>
            </div>
          </section>
        )}
      </Match>
      <Match when={sent() || props.done}>
        <section class="card survey" role="status">
          <h2>Thank you for your feedback.</h2>
        </section>
      </Match>
      <Match when={true}>
        <form class="card stack survey" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
          <h2 id={`${id}-title`}>How did we do?</h2>
          <fieldset class="stars" onMouseLeave={() => setHover(0)}>
            <legend>Your rating</legend>
            <div class="star-row">
              <For each={STARS}>
                {(n) => (
                  <label class="star" classList={{ lit: n <= (hover() || rating()) }} onMouseEnter={() => setHover(n)} title={RATING_WORDS[n]}>
                    <input
                      type="radio"
                      class="star-input"
                      name={`${id}-rating`}
                      value={n}
                      checked={rating() === n}
                      onChange={() => {
                        setRating(n);
                        setError(null);
                      }}
                    />
                    <span class="visually-hidden">{n === 1 ? '1 star' : `${n} stars`}</span>
                  </label>
                )}
              </For>
              <span class="muted rating-word" aria-hidden="true">
                {RATING_WORDS[hover() || rating()]}
              </span>
            </div>
          </fieldset>
          <fieldset class="choice">
            <legend>Was your problem solved?</legend>
            <label class="checkbox">
              <input type="radio" name={`${id}-solved`} checked={solved() === true} onChange={() => setSolved(true)} /> Yes
            </label>
            <label class="checkbox">
              <input type="radio" name={`${id}-solved`} checked={solved() === false} onChange={() => setSolved(false)} /> No
            </label>
          </fieldset>
          <div class="field">
            <label for={`${id}-comment`}>Comment (optional)</label>
            <textarea id={`${id}-comment`} rows={3} maxLength={MAX_COMMENT_CHARS} value={comment()} onInput={(e) => setComment(e.currentTarget.value)} />
          </div>
          <Show when={error()}>
            <p class="error-message" role="alert">
              {error()}
            </p>
          </Show>
          <div class="actions start">
            <button type="submit" class="button primary" disabled={busy()}>
              {busy() ? 'Sending…' : 'Send feedback'}
            </button>
          </div>
        </form>
      </Match>
    </Switch>
  );
}
