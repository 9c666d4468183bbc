## Lessons, attendance, schedules

lesson-line = { $time } { $course } ({ $group }), { $place }
lesson-cancelled-note = ❌ cancelled: { $reason }
lesson-moved-note = 🔁 moved from { $old }: { $reason }
lesson-card =
    <b>{ $course }</b>, group { $group } ({ $provider })
    🕒 { $when }
    📍 { $place }
    Status: { $status } · enrolled: { $enrolled }
lesson-status-scheduled = as planned
lesson-status-cancelled = ❌ cancelled
lesson-status-moved = 🔁 moved
lesson-reason = Reason: { $reason }
lesson-history = <b>Changes</b>
lesson-event-added = { $at } — added for { $new }
lesson-event-cancelled = { $at } — cancelled (was { $old })
lesson-event-moved = { $at } — moved from { $old } to { $new }

today-title = { $count ->
    [0] <b>Today, { $day }</b>: no lessons.
    [one] <b>Today, { $day }</b>: { $count } lesson
   *[other] <b>Today, { $day }</b>: { $count } lessons
}
lessons-legend = ☑️ has ended (attendance can be marked) · 🕒 ahead · ❌ cancelled · 🔁 moved
week-title = { $count ->
    [0] <b>Past and next 7 days</b>: no lessons.
    [one] <b>Past and next 7 days</b>: { $count } lesson
   *[other] <b>Past and next 7 days</b>: { $count } lessons
}

btn-today = 📅 Today
btn-week = 🗓 Week
btn-attendance = ✅ Attendance
btn-cancel-lesson = ❌ Cancel lesson
btn-move-lesson = 🔁 Move
btn-write-group = ✉️ Write to the group
btn-write-to = ✉️ { $code }
btn-extra-lesson = ➕ Lesson for { $code }
btn-all-present = 🙋 All present
btn-save = 💾 Save
btn-cancel-yes = ❌ Yes, cancel it
btn-same-place = 📍 Same place
btn-to-students = 👩‍🎓 Students only
btn-to-families = 👪 Students and their parents
btn-schedule = 🗓 Schedule
btn-attendance-stats = 📊 Attendance
btn-calendar = 📅 Calendar file (.ics)
btn-child-schedule = 🗓 { $name }
btn-child-attendance = 📊
btn-profile-day = ⭐ Profile day
btn-profile-day-clear = No profile day

roll-title = { $count ->
    [0] <b>{ $course }</b> ({ $group }), { $when }: nobody is enrolled.
   *[other] <b>{ $course }</b> ({ $group }), { $when }
    Tap a name to change the mark: ✅ present → ❌ absent → ⏰ late → 📝 excused. Then save.
}
roll-saved = { $told ->
    [0] 💾 Saved { $count } marks.
    [one] 💾 Saved { $count } marks; { $told } parent was told of an absence.
   *[other] 💾 Saved { $count } marks; { $told } parents were told of absences.
}
cancel-ask-reason = Why is the lesson cancelled? Type the reason: students, parents and coordinators will read it.
cancel-confirm =
    Cancel the lesson «{ $course }» ({ $group }), { $when }?
    Reason: «{ $reason }».
    { lesson-change-told }
cancel-done = ❌ You cancelled the lesson; everyone concerned is being told.
move-ask-day = Which day should the lesson move to? (times are in { $zone })
move-ask-time = New start time on { $day }? Type it like 15:30.
move-ask-place = Where? Type the place, or keep the same one.
move-ask-reason = Why is it moved? Type the reason.
move-confirm =
    Move the lesson «{ $course }» ({ $group })
    from { $old } to <b>{ $new }</b>, place: { $place }?
    Reason: «{ $reason }».
    { lesson-change-told }
btn-move-yes = 🔁 Yes, move it
lesson-change-told = { $count ->
    [0] Nobody to tell yet: the group is empty.
    [one] One person is told at once: students, their parents, coordinators and the teacher.
   *[other] { $count } people are told at once: students, their parents, coordinators and the teacher.
}
move-done = 🔁 You moved the lesson; everyone concerned is being told.
add-ask-day = An extra lesson for { $group }: which day?
add-ask-times = Time on { $day }? Type it like 15:00-16:30.
add-done = ➕ You added the lesson; the group is being told.
write-ask-text = Type the message for group { $group } ({ $course }).
write-ask-who = Who should receive it?
write-done = { $count ->
    [0] Nobody is enrolled yet, so nobody was written to.
    [one] ✉️ Sent to { $count } person.
   *[other] ✉️ Sent to { $count } people.
}

schedule-title = <b>Schedule</b> · { $name }, this week and next
schedule-empty = No lessons in these two weeks.
attendance-title = <b>Attendance</b> · { $name }
attendance-line = <b>{ $course }</b>: ✅ { $present } · ❌ { $absent } · ⏰ { $late } · 📝 { $excused } (of { $total })
attendance-empty = No marks yet.
calendar-name = Lessons: { $name }
calendar-caption = 📅 Open the file to add the lessons to your calendar; send /calendar again after changes to update them.

profile-day-title = The network's common profile day: <b>{ $day }</b>. Students can filter the catalogue by it.
profile-day-none = not set
cat-profile-day = ⭐ Profile day ({ $day })
apply-clash = ⚠️ It clashes with your schedule: { $courses }. You can still apply; your coordinator will see the clash.
review-clash = ⚠️ Schedule clash with the student's courses: { $courses }
