import type { Command } from 'commander';

export function addCampaignCommand(program: Command): void {
  const campaign = program
    .command('campaign')
    .summary('status, pause, resume, cancel or delete a campaign queued with send --bulk --queue')
    .description('Look at and steer the campaigns in the PostgreSQL queue. The database password from PGPASSWORD or SEALPOST_QUEUE_URL, never the command line.');
  const queueOptions = (cmd: Command): Command =>
    cmd.requiredOption('--queue [url]', 'the queue database, postgres://user@host:5432/db (password in PGPASSWORD); alone: SEALPOST_QUEUE_URL').option('--json', 'print the status as JSON');
  const action = (what: 'status' | 'pause' | 'resume' | 'cancel') => async (id: string, flags: { queue: string | boolean; json?: boolean }) => {
    process.exitCode = await (await import('../queue/campaign-run.js')).runCampaign(what, id, flags);
  };
  queueOptions(campaign.command('status').argument('<id>', 'the campaign id').description('counts per state, progress, rate over the last minute')).action(action('status'));
  queueOptions(campaign.command('pause').argument('<id>', 'the campaign id').description('workers stop fetching from it; sends in flight finish')).action(action('pause'));
  queueOptions(campaign.command('resume').argument('<id>', 'the campaign id').description('workers fetch from it again')).action(action('resume'));
  queueOptions(campaign.command('cancel').argument('<id>', 'the campaign id').description('rows not yet sent are cancelled and never sent; sends in flight finish')).action(action('cancel'));
  queueOptions(
    campaign
      .command('delete')
      .argument('<id>', 'the campaign id')
      .description('a done or cancelled campaign: its ledger rows and jobs are deleted (refused while it runs, is paused, or a copy is being sent)'),
  ).action(async (id: string, flags: { queue: string | boolean; json?: boolean }) => {
    process.exitCode = await (await import('../queue/campaign-run.js')).runCampaignDelete(id, flags);
  });
  queueOptions(campaign.command('list').description('every campaign with its state and counts')).action(async (flags: { queue: string | boolean; json?: boolean }) => {
    process.exitCode = await (await import('../queue/campaign-run.js')).runCampaignList(flags);
  });
}
