/*
 * Recurrence rules (RRULE values) and reminder durations, in words and from the page's presets.
 * Pure functions of their arguments: no DOM, no clock, no locale (dates are said in English, day
 * first), so each answer can be checked from its argument alone. Imports nothing.
 */

/** RRULE's day codes, Monday first: the order the page lists and sends them in. */
export const WEEKDAYS = [
  { code: 'MO', name: 'Monday' },
  { code: 'TU', name: 'Tuesday' },
  { code: 'WE', name: 'Wednesday' },
  { code: 'TH', name: 'Thursday' },
  { code: 'FR', name: 'Friday' },
  { code: 'SA', name: 'Saturday' },
  { code: 'SU', name: 'Sunday' },
];
const WORKWEEK = 'MO,TU,WE,TH,FR';
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
/** Each FREQ: what INTERVAL=1 says, and the unit of "every N …". */
const FREQUENCIES = {
  DAILY: { once: 'every day', unit: 'days' },
  WEEKLY: { once: 'weekly', unit: 'weeks' },
  MONTHLY: { once: 'monthly', unit: 'months' },
  YEARLY: { once: 'yearly', unit: 'years' },
};
/** The BYDAY ordinals said in words (1MO: the first Monday); any other is not said. */
const ORDINALS = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', 5: 'fifth', '-1': 'last' };

/** "a", "a and b", "a, b and c". */
function listWords(items) {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A whole number from 1 up, as RRULE writes one; null for anything else. */
function positive(text) {
  return /^[1-9]\d*$/.test(text) ? Number(text) : null;
}

/** "every weekday": a daily or weekly rule, every one, on Monday to Friday (said by FREQ). */
const isEveryWeekday = (parts) => ['DAILY', 'WEEKLY'].includes(parts.FREQ)
  && positive(parts.INTERVAL ?? '1') === 1 && parts.BYDAY === WORKWEEK;

function weekdayWords(day) {
  const [, ordinal, code] = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(day) || [];
  const weekday = WEEKDAYS.find((each) => each.code === code);
  if (!weekday) return null;
  if (ordinal === undefined) return weekday.name;
  const word = ORDINALS[Number(ordinal)];
  return word ? `the ${word} ${weekday.name}` : null;
}

/** "20301231" or "20301231T170000Z" as "31 Dec 2030" (the time of day is not said). */
function untilWords(text) {
  const [, year, month, day] = /^(\d{4})(\d\d)(\d\d)(?:T\d{6}Z?)?$/.exec(text) || [];
  const name = MONTHS[Number(month) - 1];
  return name && Number(day) >= 1 && Number(day) <= 31 ? `${Number(day)} ${name.slice(0, 3)} ${year}` : null;
}

/**
 * How each part of a rule is said, in the order said: `words(value, parts)` gives its words
 * (with the separator before them), '' when another part says it already, or null when it cannot
 * say that value. A part not in the table (BYSETPOS) is never said: the rule is then shown as it is.
 */
const RULE_WORDS = {
  FREQ(freq, parts) {
    const interval = positive(parts.INTERVAL ?? '1');
    const words = FREQUENCIES[freq];
    if (!words || interval === null) return null;
    if (isEveryWeekday(parts)) return 'every weekday';
    return interval === 1 ? words.once : `every ${interval} ${words.unit}`;
  },
  INTERVAL: () => '',
  BYDAY(days, parts) {
    if (isEveryWeekday(parts)) return '';
    const names = days.split(',').map(weekdayWords);
    return names.includes(null) ? null : ` on ${listWords(names)}`;
  },
  BYMONTHDAY(days) {
    if (days === '-1') return ' on the last day';
    const numbers = days.split(',').map(positive);
    if (numbers.some((day) => day === null || day > 31)) return null;
    return ` on ${numbers.length > 1 ? 'days' : 'day'} ${listWords(numbers)}`;
  },
  BYMONTH(months) {
    const names = months.split(',').map((month) => MONTHS[positive(month) - 1]);
    return names.includes(undefined) ? null : ` in ${listWords(names)}`;
  },
  COUNT(count) {
    const times = positive(count);
    if (times === null) return null;
    return times === 1 ? ', once' : `, ${times} times`;
  },
  UNTIL(until) {
    const date = untilWords(until);
    return date && ` until ${date}`;
  },
};

/** A rule's parts by name, or null when a part is malformed or given twice. */
function ruleParts(rule) {
  const parts = {};
  for (const part of rule.trim().toUpperCase().replace(/^RRULE:/, '').split(';')) {
    const [name, value, extra] = part.split('=');
    if (!value || extra !== undefined || Object.hasOwn(parts, name)) return null;
    parts[name] = value;
  }
  return parts;
}

/**
 * A rule in words ("every 2 weeks on Monday and Wednesday", "monthly on day 15", "every day,
 * 3 times"), or null when some part of it cannot be said (the caller shows the rule itself).
 */
export function describeRule(rule) {
  const parts = ruleParts(rule);
  if (!parts || !parts.FREQ || Object.keys(parts).some((name) => !Object.hasOwn(RULE_WORDS, name))) return null;
  const said = Object.entries(RULE_WORDS)
    .filter(([name]) => Object.hasOwn(parts, name))
    .map(([name, words]) => words(parts[name], parts));
  return said.includes(null) ? null : said.join('');
}

/** A rule in words, or the rule itself where it cannot be said. */
export const ruleInWords = (rule) => describeRule(rule) ?? rule;

/* ---------- the picker's presets ---------- */

/**
 * The rule each preset of the repeat picker makes from what is picked: `days` (RRULE codes, in
 * WEEKDAYS order) and `dayOfMonth` (the due date's, or null without one). A rule none of them
 * makes is "custom", the rule's own text.
 */
export const REPEAT_PRESETS = {
  none: () => null,
  daily: () => 'FREQ=DAILY',
  weekdays: () => `FREQ=WEEKLY;BYDAY=${WORKWEEK}`,
  weekly: ({ days }) => `FREQ=WEEKLY;BYDAY=${days.join(',')}`,
  monthly: ({ dayOfMonth }) => (dayOfMonth ? `FREQ=MONTHLY;BYMONTHDAY=${dayOfMonth}` : 'FREQ=MONTHLY'),
  yearly: () => 'FREQ=YEARLY',
};

/** The preset that makes `rule` (null: none) and the weekdays it names, else "custom". */
export function presetOf(rule, dayOfMonth) {
  const named = /^FREQ=WEEKLY;BYDAY=([A-Z,]+)$/.exec(rule || '');
  const listed = named ? named[1].split(',') : [];
  const picked = { days: WEEKDAYS.map((day) => day.code).filter((code) => listed.includes(code)), dayOfMonth };
  const name = Object.keys(REPEAT_PRESETS).find((preset) => REPEAT_PRESETS[preset](picked) === (rule || null));
  return { name: name || 'custom', days: picked.days };
}

/* ---------- reminder durations ---------- */

/**
 * The units a reminder before the due date is set in, largest first: its seconds, its words, its
 * ISO 8601 duration and the most of it the API takes (30 days).
 */
export const BEFORE_UNITS = [
  { code: 'D', seconds: 86400, one: 'day', many: 'days', most: 30, iso: (n) => `P${n}D` },
  { code: 'H', seconds: 3600, one: 'hour', many: 'hours', most: 720, iso: (n) => `PT${n}H` },
  { code: 'M', seconds: 60, one: 'minute', many: 'minutes', most: 43200, iso: (n) => `PT${n}M` },
];
const DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const DURATION_SECONDS = [604800, 86400, 3600, 60, 1];

/**
 * An ISO 8601 duration (weeks to seconds, as the API takes) as {amount, unit, exact}: in the
 * largest unit of BEFORE_UNITS it is a whole number of, else (`exact` false) in minutes rounded
 * up; null when malformed.
 */
export function splitDuration(text) {
  const found = DURATION.exec(text);
  if (!found) return null;
  const seconds = found.slice(1).reduce((sum, part, index) => sum + Number(part || 0) * DURATION_SECONDS[index], 0);
  const unit = BEFORE_UNITS.find((each) => seconds % each.seconds === 0) || BEFORE_UNITS.at(-1);
  return { amount: Math.ceil(seconds / unit.seconds), unit, exact: seconds % unit.seconds === 0 };
}

/** "15 minutes", "1 day"; a duration not said exactly in those units as it is ("PT30S"). */
export function durationWords(text) {
  const split = splitDuration(text);
  if (!split || !split.exact) return text;
  return `${split.amount} ${split.amount === 1 ? split.unit.one : split.unit.many}`;
}
