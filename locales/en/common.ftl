## Start, registration, menus and help

start-choose-language = Выберите язык · Choose your language
start-choose-role =
    Hello! This bot connects the schools of our network: browse courses of every school, apply, and follow your applications.

    Who are you?
    Teachers and coordinators join with an invite link from the network admin.
register-choose-org = Which school do you study at?
register-choose-grade = Which grade are you in?
register-ask-name = Type your last and first name, as your school knows them, e.g. Sokolov Artyom.
register-parent-ask-name = Type your full name, as the school knows it.
register-ask-gender = How should messages speak of you? The bot could not tell from the name «{ $name }». We ask once, only for the grammar (Russian words agree with it).
btn-gender-male = “He applied”
btn-gender-female = “She applied”
register-student-done = Done! You can browse the catalogue and apply. A parent will need to confirm each application: press «Link a parent» to connect them.
register-parent-done = Done! Now ask your child to open «Link a parent» in the bot and send you the code, then press «Link a child».
invite-accepted = Welcome! You now have the role: { $role }.

role-student = Student
role-parent = Parent
role-teacher = Teacher
role-coordinator = Coordinator
role-admin = Network admin
role-choose = Which role do you want to act in?

menu-title = <b>{ $name }</b> · { $role }
menu-no-role = You have no role yet. Send /start to register.
menu-review-count = { $count ->
    [0] No applications wait for your review.
    [one] <b>{ $count }</b> application waits for your review.
   *[other] <b>{ $count }</b> applications wait for your review.
}
menu-consent-count = { $count ->
    [0] No applications wait for your consent.
    [one] <b>{ $count }</b> application waits for your consent.
   *[other] <b>{ $count }</b> applications wait for your consent.
}

btn-catalogue = 📚 Catalogue
btn-my-applications = 📝 My applications
btn-link-parent = 👪 Link a parent
btn-children = 👧 My children's applications
btn-link-child = ➕ Link a child
btn-review = 📥 Applications to review
btn-my-groups = 👩‍🏫 My groups
btn-network = 🏫 Network
btn-invite = ✉️ Invite staff
btn-language = 🌐 Language
btn-switch-role = 🔁 Switch role
btn-menu = ☰ Menu
btn-back = ◀ Back
btn-cancel = ✖ Cancel
btn-skip = Skip
btn-confirm = ✅ Confirm
btn-decline = 🚫 Decline
btn-approve = ✅ Approve
btn-reject = ❌ Reject
btn-withdraw = ↩️ Withdraw
btn-withdraw-yes = ↩️ Yes, withdraw

cmd-start = Start over
cmd-menu = Main menu
cmd-help = What this bot can do
cmd-role = Switch role
cmd-language = Language
cmd-catalogue = Course catalogue
cmd-applications = My applications
cmd-parent = Link a parent
cmd-children = My children's applications
cmd-link = Link a child
cmd-groups = My groups
cmd-review = Applications to review
cmd-network = Network overview
cmd-invite = Invite staff

help-new = Send /start to choose your language and register as a student or a parent.
help-student =
    <b>Student</b>
    /catalogue — courses of every school in the network open to your grade; filter them and apply to a group
    /schedule — your lessons this week and next, with cancellations and moves; /calendar — as a calendar file
    /attendance — your attendance per course
    /applications — your applications, their state and history; withdraw one
    /parent — a one-time code for your parent: they confirm each application
help-parent =
    <b>Parent</b>
    /children — your children's applications (confirm or decline those waiting for you), their schedules and attendance
    /link — link a child with the code they show you
    /consent — consents to processing your children's data; withdraw one
help-teacher =
    <b>Teacher</b>
    /today, /week — your lessons: attendance in a few taps, cancel or move a lesson
    /groups — your groups: write to a group, add an extra lesson
    /reports — attendance of your groups; /export — the same in Excel
help-coordinator =
    <b>Coordinator</b>
    /review — applications of your school's students confirmed by parents: approve or reject with a reason
    /unreachable — parents of your students who blocked the bot
    /broadcast — a broadcast to your organisation's students and parents
    /import — load the catalogue or class lists from Excel/CSV; /template — the spreadsheet template
    /reports — reports, indicators and charts; /export — exports to Excel
help-admin =
    <b>Network admin</b>
    /network — organisations of the network
    /invite — invite links for teachers, coordinators and admins
    /profileday — the network's common profile day
    /holidays — days without lessons (adding one cancels that day's lessons)
    /audit — the log of sensitive actions
    /admin — run the network: organisations, settings, broadcasts
    /broadcast — a broadcast to a role or an organisation
    /import, /template — loading from spreadsheets; /reports, /export — reports and exports
help-common = /menu — main menu · /role — switch role · /language — language · /messengers — Telegram and MAX · /privacy — what data the bot keeps · /mydata — your data as a file

org-kind-school = school
org-kind-resource_centre = resource centre
org-kind-art_school = art school
org-kind-college = college
org-kind-university = university

## Teachers and the admin

groups-title = { $count ->
    [0] You have no groups yet.
    [one] Your { $count } group:
   *[other] Your { $count } groups:
}
groups-line = <b>{ $code }</b> — { $course }
    Enrolled { $enrolled } of { $capacity } · minimum to run: { $minimum }
network-title = { $count ->
    [one] { $count } organisation in the network:
   *[other] { $count } organisations in the network:
}
network-line = <b>{ $name }</b> ({ $kind })
    Courses it offers the network: { $courses } · other schools' students on them: { $guests }
    Its students in the bot: { $students }, in network courses: { $in_courses } · coordinators: { $coordinators }
invite-choose-role = Which role is the invite for?
invite-choose-org = In which organisation?
invite-created =
    Invite for the role «{ $role }». Send this link to one person; it works once, until { $expires }:
    { $link }
cmd-today = Today's lessons
cmd-week = Lessons of the week
cmd-schedule = My schedule
cmd-attendance = My attendance
cmd-calendar = Calendar file
cmd-profileday = Common profile day
btn-open-application = 📄 Open the application
btn-mark-attendance = ✅ Mark attendance
btn-cancel-group = 🚫 Cancel the group
btn-run-anyway = ▶️ Run it anyway
btn-cancel-group-yes = 🚫 Yes, cancel the group
group-cancel-ask =
    Cancel group { $group } of <b>{ $course }</b>?
    { $students ->
        [0] The group has no applications.
        [one] One application ends, and every future lesson is cancelled.
       *[other] { $students } applications end, and every future lesson is cancelled.
    }
    { $count ->
        [0] Nobody to tell.
        [one] One person is told: the students' families with the direction's other open groups, the teacher and the coordinators.
       *[other] { $count } people are told: the students' families with the direction's other open groups, the teacher and the coordinators.
    }
btn-unreachable = 📵 Parents we cannot reach
cmd-unreachable = Parents who blocked the bot
group-cancelled-done = { $count ->
    [0] 🚫 You cancelled the group; the teacher and the coordinators are being told.
    [one] 🚫 You cancelled the group; { $count } student and their family, the teacher and the coordinators are being told.
   *[other] 🚫 You cancelled the group; { $count } students and their families, the teacher and the coordinators are being told.
}
group-run-anyway-done = ▶️ The group runs below its minimum; you will not be asked again.
unreachable-title = { $count ->
    [0] Every parent of your students can be reached. 🎉
    [one] { $count } parent of your students has blocked the bot or left Telegram:
   *[other] { $count } parents of your students have blocked the bot or left Telegram:
}
unreachable-line = { $parent } — parent of { $child }, since { $since }
btn-holidays = 🎄 Holidays
cmd-holidays = Days without lessons
holidays-title = { $count ->
    [0] No holidays ahead.
    [one] { $count } holiday ahead:
   *[other] { $count } holidays ahead:
}
holidays-ask = To add one, type the date and its name, like: 31.12.2026 New Year holidays. That day's lessons are cancelled and everyone concerned is told.
holiday-added = { $count ->
    [0] 🎄 { $day } — { $name }: added; no lessons were planned that day.
    [one] 🎄 { $day } — { $name }: added; { $count } lesson is cancelled and everyone concerned is being told.
   *[other] 🎄 { $day } — { $name }: added; { $count } lessons are cancelled and everyone concerned is being told.
}
