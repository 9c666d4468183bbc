## Personal data: consent, withdrawal, what is kept

# The version is recorded with the consent (services/consent.py, DATA_CONSENT_VERSION).
consent-data =
    <b>Consent to the processing of the child's personal data</b> (version { $version })
    I, the legal representative of { $child }, consent to the schools of the network processing the child's personal data: name, school and grade, applications to courses, schedule and attendance marks — to enrol in the network's courses, keep the schedule and record attendance (art. 9 of Federal Law No. 152-FZ). Only the coordinators of the child's school and of the school giving the course, the group's teacher (name and school) and you see them. The consent stands until withdrawn; withdraw it with /consent.
btn-consent-give = ✅ I consent to the processing of the data
btn-consent-give-for = ✅ Give consent: { $child }
btn-consent-withdraw = ↩️ Withdraw consent: { $child }
btn-consent-withdraw-yes = ↩️ Yes, withdraw the consent
btn-consents = 🔐 Consents to data processing
consent-given = ✅ Consent recorded.
consent-title = <b>Consents to processing your children's data</b>
consent-line-given = • { $child }: consent given { $when } (version { $version })
consent-line-none = • { $child }: no consent — the child's applications cannot be confirmed
consent-withdraw-ask =
    Withdraw consent to processing the data of { $child }?
    What happens: all their current applications are withdrawn, their seats in groups freed, and no new applications can be made until you consent again. Lessons already held and their marks stay in the school's records, as the law requires.
consent-withdrawn = { $count ->
    [0] ↩️ Consent withdrawn.
    [one] ↩️ Consent withdrawn; { $count } application withdrawn.
   *[other] ↩️ Consent withdrawn; { $count } applications withdrawn.
}
cmd-consent = Consents to data processing
cmd-privacy = What data the bot keeps
privacy =
    <b>What the bot keeps, and why</b>
    • Your name, language, roles, school and grade (for students) — to show courses and schedules and take applications.
    • Your messenger account number — to send you messages. The bot neither asks for nor keeps phone numbers or addresses.
    • Applications and their history, schedules, attendance marks — to enrol in the network's courses and record lessons, as the network regulation requires.
    • A log of actions (who decided, changed a mark, granted a role, and when) — so that the school can answer questions.
    <b>Who sees it</b>: a student and their parents — their own data; a teacher — the name and school of the students in their groups; a coordinator — their own students and their organisation's groups; the network admin — summaries and the action log. Other students see only how many are enrolled.
    <b>For how long</b>: while the parent's consent stands and the school year lasts; after consent is withdrawn the child's applications are withdrawn, and records of lessons held stay with the school without names.
    <b>Your rights</b>: /consent — consents and withdrawing them (for parents).
