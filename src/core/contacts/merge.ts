// Two descriptions of the same person made into one, dropping nothing: used by `crm import contacts
// --on-duplicate update` (the file's details on a contact already there) and `crm contact merge`.
// Emails, phones, websites, addresses, social profiles and messaging handles are lists: the ones the
// contact lacks are added after its own, with their labels, instead of overwriting them slot by slot.
// Single values: the incoming one wins when `incomingWins` (an import updates), else it only fills an
// empty one (a merge keeps the kept contact's). Notes are joined, a note already there not repeated.

/** A contact's own columns and its custom fields (`email 2`, `email 2 label`, `birthday`…). */
export interface ContactDetails {
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  title: string | null;
  note: string | null;
  cadence: string | null;
  source: string | null;
  fields: Map<string, string>;
}

const SINGLE = ["name", "company", "title", "cadence"] as const;

interface Entry {
  value: string;
  label?: string;
}

/** The lists kept in numbered fields: `key`, `key 2`, `key 3`…, each with `… label`. */
const LIST = /^(email|phone|website|address|profile .+?|im .+?)(?: (\d+))?( label)?$/;

/** What two entries of a list are compared by: case for emails, digits for phones, spacing for the rest. */
function sameness(list: string): (v: string) => string {
  if (list === "phone") return (v) => v.replace(/[^\d+]/g, "");
  return (v) => v.trim().toLowerCase().replace(/\s+/g, " ");
}

/** The lists in `fields` (and the contact's own email and phone as the first entries), in order. */
function listsOf(d: ContactDetails): Map<string, Entry[]> {
  const slots = new Map<string, Map<number, Entry>>();
  const slot = (list: string, n: number) => {
    const m = slots.get(list) ?? slots.set(list, new Map()).get(list)!;
    return m.get(n) ?? m.set(n, { value: "" }).get(n)!;
  };
  for (const [key, value] of d.fields) {
    const m = LIST.exec(key);
    if (!m) continue;
    const entry = slot(m[1]!, Number(m[2] ?? 1));
    if (m[3]) entry.label = value;
    else entry.value = value;
  }
  if (d.email) slot("email", 1).value = d.email;
  if (d.phone) slot("phone", 1).value = d.phone;
  const lists = new Map<string, Entry[]>();
  for (const [list, m] of slots)
    lists.set(
      list,
      [...m]
        .sort((a, b) => a[0] - b[0])
        .map(([, e]) => e)
        .filter((e) => e.value),
    );
  return lists;
}

/** `incoming` on top of `existing`; see the module's comment for the rules. */
export function mergeContactDetails(existing: ContactDetails, incoming: ContactDetails, incomingWins: boolean): ContactDetails {
  const out: ContactDetails = { ...existing, fields: new Map() };
  for (const col of SINGLE) {
    const next = incoming[col];
    if (next && (incomingWins || !existing[col])) out[col] = next;
  }
  // Where a contact came from is where it first came from.
  out.source = existing.source ?? incoming.source;
  if (incoming.note && incoming.note !== existing.note)
    out.note = existing.note ? (existing.note.includes(incoming.note) ? existing.note : `${existing.note}\n${incoming.note}`) : incoming.note;

  for (const [key, value] of existing.fields) if (!LIST.test(key)) out.fields.set(key, value);
  for (const [key, value] of incoming.fields) if (!LIST.test(key) && (incomingWins || !out.fields.has(key))) out.fields.set(key, value);

  const mine = listsOf(existing);
  const theirs = listsOf(incoming);
  for (const list of new Set([...mine.keys(), ...theirs.keys()])) {
    const key = sameness(list);
    const merged: Entry[] = (mine.get(list) ?? []).map((e) => ({ ...e }));
    for (const e of theirs.get(list) ?? []) {
      const same = merged.find((m) => key(m.value) === key(e.value));
      if (!same) merged.push({ ...e });
      else same.label ??= e.label;
    }
    merged.forEach((e, i) => {
      const slot = i === 0 ? list : `${list} ${i + 1}`;
      // The first email and phone are the contact's own columns.
      if (i === 0 && list === "email") out.email = e.value;
      else if (i === 0 && list === "phone") out.phone = e.value;
      else out.fields.set(slot, e.value);
      if (e.label) out.fields.set(`${slot} label`, e.label);
    });
  }
  return out;
}

/** Whether merging changed anything: what to report as "updated" rather than "skipped". */
export function sameDetails(a: ContactDetails, b: ContactDetails): boolean {
  const cols = [...SINGLE, "source", "email", "phone", "note"] as const;
  if (cols.some((c) => (a[c] ?? null) !== (b[c] ?? null))) return false;
  if (a.fields.size !== b.fields.size) return false;
  for (const [k, v] of a.fields) if (b.fields.get(k) !== v) return false;
  return true;
}
