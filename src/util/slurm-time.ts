/**
 * Slurm's time limit (`sbatch --time`), in every form sbatch accepts: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`,
 * `D-HH:MM`, `D-HH:MM:SS`. The leading field may be any size (`1000:00:00` is 1000 hours, as sbatch reads
 * it); a field after it is below 60 (minutes, seconds) or 24 (hours after days). One parser for the
 * recipe schema, the job-script renderer and the signal lead.
 */
const FORM = /^(?:(\d+)-(\d+)(?::(\d+)(?::(\d+))?)?|(\d+)(?::(\d+)(?::(\d+))?)?)$/;

export const SLURM_TIME_HELP =
  'a Slurm time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. "02:00:00", "1-00:00:00")';

/** Seconds of a Slurm time limit, or undefined when sbatch would not read it. */
export function parseSlurmTime(text: string): number | undefined {
  const m = FORM.exec(text.trim());
  if (!m) return undefined;
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  if (m[1] !== undefined) {
    const [d, h, min, s] = [n(m[1]), n(m[2]), n(m[3]), n(m[4])];
    if (h > 23 || min > 59 || s > 59) return undefined;
    return d * 86400 + h * 3600 + min * 60 + s;
  }
  const parts = [m[5], m[6], m[7]].filter((p) => p !== undefined).map(Number);
  if (parts.slice(1).some((p) => p > 59)) return undefined;
  if (parts.length === 3) return parts[0] * 3600 + parts[1] * 60 + parts[2];
  if (parts.length === 2) return parts[0] * 60 + parts[1];
  return parts[0] * 60;
}
