import { A } from '@solidjs/router';
import { EmptyState } from '../components/ui.tsx';

export function NotFoundPage() {
  return (
    <div class="page">
      <EmptyState title="Page not found" icon="?" page>
        <p>
          There is nothing at this address. <A href="/queue">Go to the queue</A>.
        </p>
      </EmptyState>
    </div>
  );
}
