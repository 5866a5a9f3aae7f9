import { A } from '@solidjs/router';
import { EmptyState, PageHeader } from '../components/ui.tsx';

export function ReportsPage() {
  return (
    <div class="page">
      <PageHeader title="Reports" subtitle="Sessions, incidents, engineers and customers over time." />
      <p class="muted">
        Looking for a past session? Search the <A href="/sessions/log">session log</A> by customer, engineer, desk and date.
      </p>
      {/* Said plainly: this is not an empty report, the module is not built yet. */}
      <EmptyState title="Not available in this version" icon="▤">
        <p>
          Tessera has no reports yet. Coming: sessions, incidents, engineers and customers by month, quarter and year
          (volumes, waiting and handling times, SLA, survey results) with charts and CSV export.
        </p>
      </EmptyState>
    </div>
  );
}
