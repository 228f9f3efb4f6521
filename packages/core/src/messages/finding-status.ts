/**
 * The Chinese names of a finding's statuses (DOMAIN.md): one wording for the API's messages and
 * the web app's labels. Its own module, like uscc.ts, so the browser takes these words without the
 * API's whole catalogue (and without zod). English stays per catalogue: the API says the status
 * code's words, the app says what the officer does next.
 */
export const findingStatusZhCN = {
  'finding.status.reported': '待核实',
  'finding.status.verified': '已核实',
  'finding.status.rejected': '已驳回',
  'finding.status.rectifying': '限期整改中',
  'finding.status.transferred': '已移送',
  'finding.status.resolved': '已办结',
  'finding.status.revisit_due': '待回头看',
  'finding.status.closed': '已销号',
} as const;
