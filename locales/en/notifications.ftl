## Notifications, rendered in the reader's language when they are sent

notify-parent-consent-needed =
    📝 { $student } applied to <b>{ $course }</b> (group { $group }).
    Please confirm or decline: /children
notify-student-parent-confirmed = 👪 Your parent confirmed your application to <b>{ $course }</b>. Your school reviews it next.
notify-student-parent-declined = 🚫 Your parent declined your application to <b>{ $course }</b>. Reason: { $reason }
notify-coordinator-review =
    📥 New application to review: { $student }, <b>{ $course }</b> (group { $group }).
    Open the queue: /review
notify-enrolled = ✅ { $student_is ->
        [you] You are enrolled
       *[other] { $student } is enrolled
    } in <b>{ $course }</b> (group { $group }).
notify-waitlisted = ⏳ { $student_is ->
        [you] You are on the waitlist
       *[other] { $student } is on the waitlist
    } for <b>{ $course }</b> (group { $group }): the group is full. As soon as a seat frees up, the enrolment happens by itself.
notify-rejected = ❌ The school rejected { $student_is ->
        [you] your application
       *[other] the application of { $student }
    } to <b>{ $course }</b>. Reason: { $reason }
notify-withdrawn = ↩️ { $student_is ->
        [you] Your application
       *[other] The application of { $student }
    } to <b>{ $course }</b> (group { $group }) was withdrawn.
notify-promoted = 🎉 A seat freed up: { $student_is ->
        [you] you are now enrolled
       *[other] { $student } is now enrolled
    } in <b>{ $course }</b> (group { $group }).
notify-group-confirmed = 🎉 Group { $group } of <b>{ $course }</b>{ $reader ->
        [parent] {" "}(where { $child } { $child_gender ->
            [plural] study
           *[other] studies
        })
       *[other] {""}
    } has reached its minimum size and will run.
notify-parent-linked = 👪 { $parent } is now your parent in the bot and will confirm your applications.
notify-lesson-cancelled = ❌ <b>Lesson cancelled</b>{ $reader ->
        [parent] {" "}for { $child }
       *[other] {""}
    }: { $course } ({ $group }), { $when }. Reason: { $reason }
notify-lesson-moved =
    🔁 <b>Lesson moved</b>{ $reader ->
        [parent] {" "}for { $child }
       *[other] {""}
    }: { $course } ({ $group })
    from { $old } to <b>{ $new }</b>, { $place }. Reason: { $reason }
notify-lesson-added = ➕ <b>Extra lesson</b>{ $reader ->
        [parent] {" "}for { $child }
       *[other] {""}
    }: { $course } ({ $group }), { $when }, { $place }.
notify-absent = ❗ { $student } was absent from { $course } on { $when }.
notify-group-message =
    ✉️ <b>{ $author }</b> to group { $group } ({ $course }){ $reader ->
        [parent] {" "}(your child: { $child })
       *[other] {""}
    }:
    { $text }
notify-lesson-tomorrow = 🗓 Tomorrow: <b>{ $course }</b> ({ $group }), { $when }, { $place }.
notify-lesson-soon = ⏰ Soon: <b>{ $course }</b> ({ $group }) starts { $when }, { $place }.
notify-roll-missing = ✅ Attendance is not marked yet: <b>{ $course }</b> ({ $group }), { $when }.
notify-consent-reminder = 📝 The application of { $student } to <b>{ $course }</b> (group { $group }) still waits for your consent.
notify-expired = ⌛ { $student_is ->
        [you] Your application
       *[other] The application of { $student }
    } to <b>{ $course }</b> (group { $group }) expired: no parent confirmed it within a week. It can be made again.
notify-group-undersized = ⚠️ Group { $group } of <b>{ $course }</b> has { $enrolled } of { $minimum } students and starts on { $start }. Cancel it, or run it anyway?
notify-group-cancelled =
    🚫 Group { $group } of <b>{ $course }</b> is cancelled: not enough students. { $student_is ->
        [you] Your application
       *[other] The application of { $student }
    } is closed.
    Other open groups in the same direction:
    { $suggestions }
notify-group-cancelled-staff = 🚫 Group { $group } of <b>{ $course }</b> is cancelled: not enough students. { $count ->
        [0] It had no applications.
        [one] { $count } application is closed; the family was offered other groups.
       *[other] { $count } applications are closed; the families were offered other groups.
    }
notify-coordinator-digest =
    📋 <b>Daily digest</b>
    Applications waiting for your review: { $review }
    Your groups below the minimum starting within two weeks ({ $small_count }):
    { $small }
    Your students' absences in other organisations, not reported before ({ $absent_count }):
    { $absent }
notify-admin-weekly =
    📈 <b>The network's week</b>
    Applications submitted: { $submitted } · enrolled: { $enrolled }
    Lessons cancelled or moved: { $changed }
    Attendance: { $rate }% of { $marks } marks
