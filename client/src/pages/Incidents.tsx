import { EmptyState, PageHeader } from '../components/ui.tsx';

export function IncidentsPage() {
  return (
    <div class="page">
      <PageHeader title="Incidents" subtitle="Service management: incidents with SLA clocks and full history." />
      <EmptyState title="No incidents yet" icon="△">
        <p>
          Incidents will be listed here with their number, customer, priority, status, assignee and SLA state.
          They come from sessions (one click), the portal's web form, e-mail and the API.
        </p>
      </EmptyState>
    </div>
  );
}
