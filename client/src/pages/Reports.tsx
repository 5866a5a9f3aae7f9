import { EmptyState, PageHeader } from '../components/ui.tsx';

export function ReportsPage() {
  return (
    <div class="page">
      <PageHeader title="Reports" subtitle="Sessions, incidents, engineers and customers over time." />
      <EmptyState title="Nothing to report yet" icon="▤">
        <p>
          Once sessions and incidents are recorded, reports by month, quarter and year will appear here: volumes,
          response and resolution times, engineer performance and survey results, with charts and CSV export.
        </p>
      </EmptyState>
    </div>
  );
}
