import { readCityConfig } from '@gridpatrol/cities';
import { featureLabel, summariseProblems } from '@gridpatrol/core/geo/import-report';
import { prepareLayer } from '@gridpatrol/core/geo/repair';
import { buildGrid, ImportRefusedError } from '@gridpatrol/core/grid/build';
import { formatImportReport, SHOWN_WARNINGS } from '@gridpatrol/local/import-report';
import { describe, expect, it } from 'vitest';
import { noisyImport } from '../support/noisy-import';

/**
 * An import with 1,200 cells, a collapsed pond in each and some clockwise rings (over 1,300
 * warnings), and three refusing errors near the end of the file: the errors come first, all of
 * them, each by index, id and name; the warnings are counted by kind.
 */
const noisy = noisyImport(1200);

function refusal(): ImportRefusedError {
  try {
    buildGrid(noisy.cells, noisy.zones, { config: readCityConfig('riverside') });
  } catch (err) {
    if (err instanceof ImportRefusedError) return err;
    throw err;
  }
  throw new Error('the import was not refused');
}

describe('the import report: errors first, all of them, by name', () => {
  it('summarises a layer: every error, then warnings counted by kind', () => {
    const { problems } = prepareLayer(noisy.cells, { layer: 'cells' });
    const summary = summariseProblems(problems);
    expect(summary.errors.map((p) => [p.featureIndex, p.code])).toEqual(noisy.errors);
    expect(summary.errorCount).toBe(3);
    expect(Object.fromEntries(summary.warningsByCode.map((w) => [w.code, w.count]))).toEqual(noisy.warnings);
    expect(summary.warningsByCode[0]?.code).toBe('collapsed_ring'); // most frequent first
    expect(summary.warningCount).toBe(noisy.warnings.collapsed_ring + noisy.warnings.wrong_winding);
    expect(summary.warningCount).toBeGreaterThan(1000);
  });

  it('names each feature by index, id and name', () => {
    const { problems } = prepareLayer(noisy.cells, { layer: 'cells' });
    const [first] = summariseProblems(problems).errors;
    const { id, name } = noisy.names[first?.featureIndex ?? -1] ?? { id: '', name: '' };
    expect(first && featureLabel(first)).toBe(
      `cells feature ${first?.featureIndex} (id ${JSON.stringify(id)}, name ${JSON.stringify(name)})`,
    );
    expect(featureLabel({ ...(first as NonNullable<typeof first>), featureIndex: null })).toBe(
      'the cells file',
    );
  });

  it('refuses through buildGrid with every error in the details, by name, and the warnings summed up', () => {
    const err = refusal();
    expect(err.details).toHaveLength(3);
    err.details.forEach((d, k) => {
      const [index, code] = noisy.errors[k] ?? [];
      const { id, name } = noisy.names[index ?? -1] ?? { id: '', name: '' };
      expect(d.path.startsWith(`cells.features[${index}]`)).toBe(true);
      expect(d.message.startsWith(`[${code}] cells feature ${index} (id "${id}", name "${name}"): `)).toBe(
        true,
      );
    });
    expect(err.message).toContain('3 errors');
    expect(err.message).toContain(
      `${noisy.warnings.collapsed_ring} collapsed_ring, ${noisy.warnings.wrong_winding} wrong_winding`,
    );
    // Errors before warnings in the full list, too.
    expect(err.problems.slice(0, 3).every((p) => p.severity === 'error')).toBe(true);
    expect(err.problems.slice(3).every((p) => p.severity === 'warning')).toBe(true);
  });

  it('prints every error before any warning, the counts by kind, and only the first warnings', () => {
    const err = refusal();
    const lines = formatImportReport(err.report, { reportFile: 'report.json' });
    expect(lines[0]).toBe('3 errors, every one listed:');
    noisy.errors.forEach(([index, code], k) => {
      const { id, name } = noisy.names[index] ?? { id: '', name: '' };
      expect(lines[1 + k]).toContain(`[${code}] cells feature ${index} (id "${id}", name "${name}")`);
    });
    expect(lines[4]).toMatch(/^\d+ warnings \(repairable defects\) by kind:$/);
    expect(lines[5]).toMatch(new RegExp(`^ +${noisy.warnings.collapsed_ring}  collapsed_ring$`));
    expect(lines[6]).toMatch(new RegExp(`^ +${noisy.warnings.wrong_winding}  wrong_winding$`));
    expect(lines).toHaveLength(4 + 3 + 1 + SHOWN_WARNINGS + 1);
    expect(lines.at(-1)).toMatch(/… and \d+ more warning lines: they are in report\.json$/);
  });
});
