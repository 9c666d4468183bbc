## Agreements on the network form of an educational programme

btn-agreements = 🤝 Agreements
btn-agreement-new = ➕ New agreement
btn-agreement-activate = ✅ Signed: put it in force
btn-agreement-extend = 🔁 Extend
btn-agreement-extend-yes = 🔁 Yes, extend
btn-agreement-terminate = 🚫 Terminate
btn-agreement-annex = 📎 Annex: list of students
btn-open-agreement = 🤝 Open the agreement
btn-ask-admin = 🙋 Ask the admin

agreement-state-draft = draft
agreement-state-active = in force
agreement-state-expired = expired
agreement-state-terminated = terminated

agreements-title = { $count ->
    [0] <b>Network agreements</b>
    No agreements yet.
   *[other] <b>Network agreements</b> ({ $count })
}
agreement-list-line =
    { $state } · <b>No. { $number }</b>
    { $home } ↔ { $provider }
    { $term } · { $courses ->
        [0] no courses
        [one] { $courses } course
       *[other] { $courses } courses
    }
agreement-line-button = { $icon } No. { $number }: { $home } — { $provider }
agreement-term = { $start } to { $end }
agreement-card =
    🤝 <b>Agreement No. { $number }</b> of { $signed }
    on the network form of an educational programme
    Home organisation (students): { $home }
    Providing organisation (teaching): { $provider }
    Term: { $term }
    State: { $state }
agreement-courses = <b>Courses covered</b> ({ $count })
agreement-no-courses = no courses chosen yet: tick them below
agreement-reason = Reason for termination: { $reason }
agreement-history = <b>History</b>
agreement-by-system = the system
agreement-event-created = { $when } — drafted ({ $who })
agreement-event-activated = { $when } — put in force ({ $who })
agreement-event-extended = { $when } — extended to { $new_end } (was { $old_end }; { $who })
agreement-event-terminated = { $when } — terminated ({ $who }): { $reason }
agreement-event-expired = { $when } — its term ended
agreement-event-course-added = { $when } — course «{ $course }» added ({ $who })
agreement-event-course-removed = { $when } — course «{ $course }» removed ({ $who })

agreement-new-home = 🤝 <b>New agreement</b>
    Step 1 of 4. Whose students will attend? Choose the home organisation.
agreement-new-provider = Step 2 of 4. Which organisation teaches? Choose the providing organisation.
agreement-ask-number = Step 3 of 4. Type the agreement's number as the document has it (e.g. 12/S).
agreement-ask-signed = Agreement No. { $number }. Step 4 of 4. Type the date it was signed: DD.MM.YYYY, e.g. 01.09.2026.
agreement-created = 📝 Draft agreement created. Its term is the network's academic year. Tick the courses it covers and put it in force once it is signed.
agreement-activated = ✅ The agreement is in force: students of the home organisation may be admitted to its courses.
agreement-extended = 🔁 The agreement is extended to the next academic year with the same courses.
agreement-terminated = 🚫 The agreement is terminated.
agreement-extend-ask =
    🔁 Extend agreement No. { $number } to { $end }?
    The same { $courses ->
        [one] { $courses } course stays
       *[other] { $courses } courses stay
    }, and so do its number and date: the extension is an additional agreement to this one.
    The coordinators of «{ $home }» and «{ $provider }» will be told.
agreement-terminate-ask =
    🚫 Terminate agreement No. { $number } between «{ $home }» and «{ $provider }»?
    Students of «{ $home }» can then no longer be admitted to its courses; those enrolled stay in their groups. Both organisations' coordinators will be told, with the reason.
    To confirm, type the reason in one message.
agreement-annex-title = Annex to agreement No. { $number }
agreement-annex-empty = Nobody is enrolled under this agreement yet.
agreement-annex-caption = 📎 Annex to agreement No. { $number }: { $count ->
    [one] { $count } student
   *[other] { $count } students
}

review-ask-admin = The application can be approved once an agreement is in force. The network admin can help arrange it.
ask-admin-done = The network admin has been told an agreement is needed.
ask-admin-already = The admin has already been told about this application.

notify-agreement-activated = ✅ Agreement No. { $number } between «{ $home }» and «{ $provider }» is in force (until { $end }).
notify-agreement-extended = 🔁 Agreement No. { $number } between «{ $home }» and «{ $provider }» is extended to { $end }.
notify-agreement-terminated = 🚫 Agreement No. { $number } between «{ $home }» and «{ $provider }» is terminated. Reason: { $reason }
notify-agreement-ending = ⏰ Agreement No. { $number } between «{ $home }» and «{ $provider }» ends in { $days ->
        [one] { $days } day
       *[other] { $days } days
    } ({ $end }). If the work goes on, extend it: /menu → «Agreements».
notify-admin-agreement-needed = 🙋 An agreement is needed. Application: { $student }, «{ $course }» (group { $group }). «{ $home }» and «{ $provider }» have no network agreement in force that covers this course, so the school cannot approve it.

error-agreement-staff-only = Agreements are for the network admin and coordinators.
error-agreement-not-yours = A coordinator may only make agreements of their own organisation.
error-agreement-same-org = An agreement is between two different organisations.
error-agreement-state = Nothing to do: the agreement is already «{ $state }».
error-agreement-number = An agreement's number is 1 to { $max } characters.
error-agreement-date = That date could not be read. Type it like this: 01.09.2026.
error-agreement-number-taken = These organisations already have agreement No. { $number }.
error-agreement-term = An agreement's term cannot end before it begins.
error-agreement-course-not-provider = Only the providing organisation's courses can be in the agreement.
error-agreement-no-courses = Tick at least one course first.
error-agreement-ended = This agreement's term is already over.
error-no-agreement = Cannot approve: «{ $home }» and «{ $provider }» have no network agreement in force that covers «{ $course }».
error-agreement-not-needed = There is an agreement now: the application can be approved.

audit-agreement-created = agreement created
audit-agreement-courses-changed = agreement's courses changed
audit-agreement-activated = agreement put in force
audit-agreement-extended = agreement extended
audit-agreement-terminated = agreement terminated
audit-agreement-admin-asked = coordinator asked the admin for an agreement
audit-agreement-annex-exported = agreement annex exported
audit-object-agreement = agreement
