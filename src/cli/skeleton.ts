/**
 * The skeleton `apierr kb new <id>` writes: every field of the entry format with a comment saying what goes
 * there. The required fields are left empty on purpose, so `apierr kb check` names each one until it is filled in.
 * @module
 */

export function skeletonEntry(id: string): string {
  return `---
id: ${id}                  # stable: fix outcomes are recorded against it; equal to the file name
title: ''                   # what an engineer would call it, e.g. "PAY-1003 card declined by the issuer"
kind: symptom               # status (one HTTP status code) or symptom (anything else)
codes: []                   # HTTP status codes this explains, e.g. [402]
aliases: []                 # your codes, matched as whole words, e.g. [PAY-1003, ERR_CARD_DECLINED]; they win over bundled aliases
signals: []                 # case-insensitive regexes seen in real error text, e.g. ['card (was )?declined']
layer: ''                   # client, auth, gateway, app, dependency or browser: who usually produces or owns it
summary: ''                 # one or two sentences: what it usually means
causes: []                  # the usual causes, one per line
first_checks: []            # ordered: what to look at first (4 or more is best)
fixes: []                   # 3 or more, each "- id: stable-id" with "text: what to do"; outcomes are recorded per fix id
compare: {}                 # look-alike entry id: one sentence telling them apart, e.g. http-402: ...
references: []              # runbooks, dashboards, vendor docs
examples: []                # real error messages this explains
---
`;
}
