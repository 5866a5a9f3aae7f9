import { EmptyState, PageHeader } from '../components/ui.tsx';

export function SessionsPage() {
  return (
    <div class="page">
      <PageHeader title="Sessions" subtitle="Remote support sessions: live ones and their history." />
      <EmptyState title="No sessions yet" icon="▣">
        <p>
          Sessions you own, share or supervise will be listed here with their customer, desk, participants and
          duration. Each keeps its chat, operations log and screen recording for playback.
        </p>
      </EmptyState>
    </div>
  );
}
