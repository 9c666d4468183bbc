## Personal data: consent, withdrawal, what is kept

# The version is recorded with the consent (services/consent.py, DATA_CONSENT_VERSION).
consent-data =
    <b>Consent to the processing of the child's personal data</b> (version { $version })
    I, the legal representative of { $child }, consent to the schools of the network processing the child's personal data: name, school and grade, applications to courses, schedule and attendance marks — to enrol in the network's courses, keep the schedule and record attendance (art. 9 of Federal Law No. 152-FZ). Only the coordinators of the child's school and of the school giving the course, the group's teacher (name and school) and you see them. The consent stands until withdrawn; withdraw it with /consent.
btn-consent-text = 📄 Text of the data consent
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
btn-export-mine = 📦 My data
btn-export-child = 📦 Data of { $child }
export-choose = A file with everything the bot keeps about you (or your child): name, roles, applications and their history, attendance, consents, messages sent.
export-caption = 📦 Your data. The request is written to the action log.
cmd-mydata = My data as a file
btn-audit = 🧾 Action log
cmd-audit = Action log
audit-title = <b>Action log</b> (newest { $count })
audit-line = { $when } — { $who }: { $what } ({ $object })
audit-object = { $id ->
    [0] { $kind }
   *[other] { $kind } No. { $id }
}
audit-object-application = application
audit-object-attendance-mark = attendance mark
audit-object-broadcast = broadcast
audit-object-group = group
audit-object-holiday = holiday
audit-object-import = spreadsheet import
audit-object-network = network settings
audit-object-organisation = organisation
audit-object-person = person
audit-object-all = everything in reach
audit-object-org = organisation
audit-object-student = student
audit-role-granted = role granted
audit-application-parent-confirmed = parent confirmed an application
audit-application-parent-declined = parent declined an application
audit-application-approved = application approved
audit-application-rejected = application rejected
audit-application-withdrawn = application withdrawn
audit-attendance-changed = mark changed after the fact
audit-group-cancelled = group cancelled
audit-group-run-anyway = group run below its minimum
audit-consent-given = consent to data processing given
audit-consent-withdrawn = consent to data processing withdrawn
audit-data-exported = personal data exported
btn-delete-mine = 🗑 Delete my data
btn-delete-child = 🗑 Delete the data of { $child }
btn-delete-yes = 🗑 Yes, delete for good
delete-ask =
    Delete the personal data?
    Destroyed: the name, the messenger account, parent–child links, one-time codes, messages and texts written. Current applications are withdrawn. Kept without a name: grade, school and attendance marks — for the network's statistics. This cannot be undone; the deletion itself is written to the log.
delete-done = { $count ->
    [0] 🗑 The data is deleted. To use the bot again, send /start.
   *[other] 🗑 The data is deleted; applications withdrawn: { $count }. To use the bot again, send /start.
}
audit-data-deleted = personal data deleted
error-delete-enrolled = The data cannot be deleted now: the student is in a running group and the school must keep its register until the course ends. Withdraw the application first, or wait for the course to end.
error-delete-staff = Staff data is kept by the school as employer; only the network admin can remove it.
