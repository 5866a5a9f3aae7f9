import { A } from '@solidjs/router';
import { EmptyState, PageHeader } from '../components/ui.tsx';

export function ReportsPage() {
  return (
    <div class="page">
      <PageHeader title="Reports" subtitle="Sessions, incidents, engineers and customers over time." />
      <p class="muted">
        Looking for a past session? Search the <A href="/sessions/log">session log</A> by customer, engineer, desk and date.
      </p>
      <EmptyState title="Nothing to report yet" icon="▤">
        <p>
          Once sessions and incidents are recorded, reports by month, quarter and year will appear here: volumes,
          response and resolution times, engineer performance and survey results, with charts and CSV export.
        </p>
      </EmptyState>
    </div>
  );
}
