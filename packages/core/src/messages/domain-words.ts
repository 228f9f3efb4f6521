/**
 * The domain's Chinese names (DOMAIN.md) that both the API's messages and the web app's labels
 * show: one wording of each. Its own module, like uscc.ts, so the browser takes these words without
 * the API's whole catalogue (and without zod). English stays per catalogue: the API says the codes'
 * words (`reported`), the app what the officer sees (`To verify`, `Office head`).
 */
export const roleNamesZhCN = {
  'role.city_admin': '系统管理员',
  'role.supervisor': '所长',
  'role.zone_officer': '责任区干部',
  'role.grid_leader': '网格长',
  'role.grid_worker': '网格员',
  'role.volunteer': '平安志愿者',
} as const;

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
