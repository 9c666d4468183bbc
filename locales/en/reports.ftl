## Reports, indicators, charts and Excel exports

cmd-reports = Reports and charts
cmd-export = Export to Excel

btn-reports = 📊 Reports
btn-export = ⬇️ Export to Excel
btn-reports-back = ◀ Reports
btn-rep-course = Enrollment by course
btn-rep-direction = By direction
btn-rep-minimum = Groups below minimum
btn-rep-att-org = Attendance by school
btn-rep-att-course = By course
btn-rep-indicators = 🎯 Programme indicators
btn-rep-hours = 🕒 Hours
btn-rep-weeks = 📈 Attendance by week
btn-rep-sizes = 📊 Groups and minimum
btn-period-month = This month
btn-period-term = This term
btn-period-last30 = 30 days
btn-period-custom = ✏️ Custom range
btn-export-more = ⬇️ Another export
btn-exp-all = Everything I can see
btn-exp-org = 🏫 Organisation…
btn-exp-group = 👥 Group…
btn-exp-student = 🧑‍🎓 Student…
btn-prev-page = ◀
btn-next-page = ▶

period = { $start } – { $end }

reports-title =
    <b>Reports</b> · { $period }
    Choose a report; the buttons under a report change its period.
rep-empty = No data for this period.
rep-more = …and { $count } more

rep-course-title = <b>Enrollment by course</b> · { $period }
rep-course-line = <b>{ $name }</b> ({ $provider }): { $enrolled } enrolled of { $capacity } seats, { $groups ->
    [one] { $groups } group
   *[other] { $groups } groups
}, { $waitlisted } on the waiting list
rep-direction-title = <b>Enrollment by direction</b> · { $period }
rep-direction-line = <b>{ $name }</b>: { $enrolled } enrolled of { $capacity } seats, { $groups ->
    [one] { $groups } group
   *[other] { $groups } groups
}, { $waitlisted } on the waiting list
rep-total = Enrolled in all: <b>{ $enrolled }</b>

rep-minimum-title = <b>Groups below their minimum</b> · { $period }
    { $count ->
        [0] Every group has reached its minimum.
        [one] { $count } group is below its minimum.
       *[other] { $count } groups are below their minimum.
    }
rep-minimum-line = <b>{ $course }</b> ({ $group }, { $provider }): { $enrolled } of { $minimum }, { $missing } short; starts { $start }
rep-minimum-run-anyway = — runs anyway

rep-att-org-title = <b>Attendance by the students' school</b> · { $period }
rep-att-course-title = <b>Attendance by course</b> · { $period }
rep-att-line = <b>{ $name }</b>: { $rate } ({ $attended } of { $total })
rep-att-note = Attended means marked present or late, out of all marks.

rep-indicators-title = <b>Network programme indicators</b> · { $period }
rep-indicators-orgs = Organisations involved in network courses: <b>{ $share }</b> ({ $involved } of { $total }) { $met }
rep-indicators-teachers = Teachers involved in the network: <b>{ $share }</b> ({ $involved } of { $total }) { $met }
rep-target-met = ✅ target { $target } met
rep-target-missed = ❌ target { $target } not met
rep-indicators-note = An organisation is involved when it runs a group of a network course with students enrolled or its students are enrolled in one; a teacher, when they teach such a group. Teachers registered in the bot are counted.

rep-hours-title = <b>Programme hours</b> · { $period }
rep-hours-orgs = <b>By organisation</b>
rep-hours-org-line = { $provider }: { $courses ->
    [one] { $courses } course
   *[other] { $courses } courses
}, { $planned } h in programmes; lessons held: { $held }
rep-hours-courses = <b>By course</b>
rep-hours-course-line = { $course } ({ $provider }): { $hours } h × { $groups } gr. = { $planned } h; lessons held: { $held }

chart-weeks-title = Attendance by week
chart-weeks-axis = Attendance, %
chart-weeks-series = attendance
chart-weeks-target = benchmark { $target }
# A week under the chart's axis: its Monday, day and short month.
chart-week = { $day } { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}
chart-sizes-title = Groups and the minimum to run
chart-sizes-axis = Students enrolled
chart-sizes-enough = at the minimum or above
chart-sizes-short = below the minimum
chart-sizes-minimum = minimum to run
chart-sizes-shown = { $shown } of { $total } groups shown, those furthest from their minimum first.
chart-caption = { $title } · { $period }
chart-empty = Nothing to draw: no data for this period.

export-choose-kind =
    <b>Export to Excel</b>
    What to export?
export-kind-applications = Applications
export-kind-enrollments = Enrollments
export-kind-attendance = Attendance
export-choose-subject =
    <b>{ $kind }</b>
    Whose data?
export-choose-org = <b>{ $kind }</b> · choose an organisation.
export-choose-group = <b>{ $kind }</b> · choose a group (page { $page } of { $pages }).
export-ask-student = Type the student's surname or part of the name.
export-students-found = Found: { $count }. Choose the student or type something else.
export-students-none = Nobody found. Type something else.
export-subject-all = everything you can see
export-choose-period =
    <b>{ $kind }</b> · { $subject }
    Which period?
export-ask-period = Type the period as two dates with a dash, e.g. 01.09.2026–31.12.2026.
export-loading = Building the file…
export-building = Building the file: { $total ->
    [one] { $total } row
   *[other] { $total } rows
}…
export-progress = Building the file: { $done } of { $total }…
export-file-caption = { $kind } · { $subject } · { $period }
export-done = The file is ready: { $rows ->
    [one] { $rows } row
   *[other] { $rows } rows
}.
export-empty = Nothing to export for { $period }: “{ $kind }” is empty.

xlsx-student = Student
xlsx-school = Student's school
xlsx-grade = Grade
xlsx-course = Course
xlsx-group = Group
xlsx-provider = Course provider
xlsx-state = State
xlsx-submitted = Submitted
xlsx-updated = Updated
xlsx-reason = Reason
xlsx-direction = Direction
xlsx-teacher = Teacher
xlsx-enrolled-on = Enrolled on
xlsx-group-start = Group starts
xlsx-group-end = Group ends
xlsx-lesson = Lesson
xlsx-status = Mark
xlsx-marked-at = Marked at
xlsx-status-present = present
xlsx-status-absent = absent
xlsx-status-late = late
xlsx-status-excused = excused

error-reports-staff-only = Reports and exports are for coordinators, teachers and the network admin. If you hold such a role, switch to it: /role.
error-report-not-your-org = These are another organisation's data: you can see only your own.
error-report-not-your-group = This group is outside your reach: teachers see their own groups, coordinators their organisation's and its students'.
error-report-not-your-student = This student is outside your reach.
error-report-not-for-teachers = This report is for coordinators and the network admin.
error-export-teacher-attendance = A teacher can export only the attendance of their own groups.
error-report-search-short = Type at least two letters.
error-period-format = I could not read the period. Type two dates with a dash, e.g. 01.09.2026–31.12.2026.
error-period-no-such-date = There is no such date. Check the day and month, e.g. 01.09.2026–31.12.2026.
error-period-order = The period starts after it ends. Put the earlier date first, e.g. 01.09.2026–31.12.2026.
error-period-too-long = The period is too long: at most { $days } days.

audit-report-exported = exported to Excel
