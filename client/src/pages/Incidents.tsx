import { EmptyState, PageHeader } from '../components/ui.tsx';

export function IncidentsPage() {
  return (
    <div class="page">
      <PageHeader title="Incidents" subtitle="Service management: incidents with SLA clocks and full history." />
      {/* Said plainly: this is not an empty list, the module is not built yet. */}
      <EmptyState title="Not available in this version" icon="△">
        <p>
          Tessera does not manage incidents yet. Coming: incidents with a number, customer, priority, status, assignee
          and SLA clock, opened from a session in one click, from the portal's form, by e-mail and through the API.
        </p>
        <p>Until then, every support session is kept in the session log with its chat, files, notes and recording.</p>
      </EmptyState>
    </div>
  );
}
