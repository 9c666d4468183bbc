## Importing the catalogue and class lists from a spreadsheet (XLSX or CSV)

cmd-import = Import a spreadsheet (catalogue, classes)
cmd-template = Spreadsheet template for importing

btn-import = 📥 Import a spreadsheet
btn-import-template = 📄 Template
btn-import-codes = 🔑 Join codes

import-intro =
    <b>Import from a spreadsheet</b>
    Send an .xlsx or .csv file as a document. Sheets: <code>courses</code>, <code>teachers</code>, <code>groups</code>, <code>slots</code> (weekly lesson times), <code>students</code> (class lists; parents' contacts are not imported). The template's <code>help</code> sheet explains every column.
    Records are matched by their codes: importing the same file again changes nothing, a corrected file updates the records. If the file has any problem, nothing changes and the bot lists every problem at once.
    Before writing anything the bot shows what will change and who will be told, and writes only once you press "Import". The template's example rows (codes <code>EXAMPLE-…</code>) are never imported.
    Imported teachers and students join the bot with one-time codes: download them with "Join codes" and hand them out.
import-send-document = Send the spreadsheet as a file (a document): .xlsx or .csv. Template: /template
import-progress-reading = ⏳ Reading the file…
import-progress-checked = ⏳ Checked { $done } of { $total } { $total ->
        [one] row
       *[other] rows
    }…
import-progress-saving = ⏳ No problems found, saving…
import-done = ✅ <b>Spreadsheet imported.</b>
import-done-line = { $kind }: { $created } new, { $updated } changed, { $unchanged } unchanged
import-nothing-changed = ✅ Spreadsheet checked: everything is already so, <b>nothing changed</b>.
import-done-lessons = Lessons planned: { $count }
import-done-dropped = Lessons taken off their old times: { $count }
import-done-notified = { $count } { $count ->
        [one] person was
       *[other] people were
    } told of the new timetable.
import-refused = ❌ <b>The file was not imported</b>, nothing changed: { $count } { $count ->
        [one] problem
       *[other] problems
    } found. Fix them and send the file again.
import-preview = 🔎 <b>The file was checked: no problems.</b> Importing it will change this:
import-preview-line = { $kind }: { $created } new, { $updated } to change, { $unchanged } unchanged
import-preview-planned = 🗓 { $count } { $count ->
        [one] lesson
       *[other] lessons
    } will be planned by the new timetable.
import-preview-dropped = 🗓 { $count } { $count ->
        [one] lesson
       *[other] lessons
    } will be taken off their old times (past, cancelled, moved and extra lessons stay as they are).
import-preview-told = 📨 { $who } will get a message about the new timetable.
import-preview-told-families = { $count ->
        [one] { $count } student or parent
       *[other] { $count } students and parents
    }
import-preview-told-teachers = { $count ->
        [one] { $count } teacher
       *[other] { $count } teachers
    }
import-preview-told-both = { $families } and { $teachers }
import-preview-told-nobody = 📨 Nobody will get a message about a changed timetable.
import-preview-examples = ⏭ { $count } example { $count ->
        [one] row
       *[other] rows
    } skipped ({ $where }): examples are never imported.
import-examples-sheet = { $sheet }: { $count ->
        [one] row
       *[other] rows
    } { $rows }
import-preview-ask = Nothing is written until you press "Import".
import-outdated = ⚠️ While the file waited for your answer, the data in the bot changed, and importing it would now change something else. Nothing was written: have another look.
import-cancelled = Import cancelled, nothing changed.
import-only-examples = ℹ️ <b>The file holds only examples</b>, and example rows (codes <code>EXAMPLE-…</code>) are never imported: nothing changed. Put your own data in place of the examples or below them and send the file again.
btn-import-confirm = ✅ Import
import-problems-more = …and { $count } more. Every problem is in the file below.
import-problems-caption = Your file with the errors marked: first a list of every problem, then your sheets — rows with problems are red, what is wrong is in the last column.
import-template-caption = Import template: a sheet for each kind of record, each with an example row coded EXAMPLE-… (it is never imported: put your data in its place or below it). The help sheet explains the columns.
import-codes-caption = Join codes: { $count } { $count ->
        [one] person
       *[other] people
    }. Each code works once; the person sends the bot the command from the sheet or opens the link.
import-codes-none = Every imported teacher and student has joined the bot already: nothing to hand out.

import-kind-courses = Courses
import-kind-teachers = Teachers
import-kind-groups = Groups
import-kind-slots = Lesson times
import-kind-students = Students

## Problems with the whole file

import-error-file-too-big = The file is too big: { $mb } MB at most.
import-error-old-format = This file is in an old format. Save it as .xlsx (Excel Workbook) or .csv and send it again.
import-error-not-spreadsheet = This is not a spreadsheet. Send an .xlsx or .csv file.
import-error-empty-file = The file is empty.
import-error-damaged = The file is damaged: it cannot be read as a spreadsheet. Save it again and send it once more.
import-error-hostile = File refused: it unpacks into far too much data. Save the spreadsheet again the ordinary way.
import-error-too-many-rows = Too many rows: { $max } at most in one file. Split it into several.
import-error-too-many-columns = Too many columns: { $max } at most.
import-error-file-gone = The file cannot be downloaded any more. Send it again.
import-error-no-rows = The file has no rows of data (the first row holds the column headers).

## Problems in cells and rows

import-problem-at = { $sheet }, row { $row }, { $column }: { $problem }
import-problem-at-sheet = { $sheet }: { $problem }
import-problem-with-value = { $problem } (found "{ $value }")
import-problem-code = a code is 1 to 32 Latin letters, digits, dots, hyphens and underscores
import-problem-number = a whole number is needed
import-problem-range = the number must be from { $low } to { $high }
import-problem-date = not a date: use YYYY-MM-DD or DD.MM.YYYY
import-problem-time = not a time: use HH:MM, e.g. 15:30
import-problem-weekday = a weekday is a number from 1 (Monday) to 7 or a name (Mon, Tuesday…)
import-problem-yes-no = "yes" or "no" is needed
import-problem-choice = allowed values: { $allowed }
import-problem-too-long = too long: { $max } characters at most
import-problem-name = a name in letters is needed
import-problem-empty = the cell is empty
import-problem-grades = the last grade is below the first
import-problem-end-before-start = the end is before the start
import-problem-min-size = the minimum to run is above the number of seats
import-problem-date-no-year = no date, and the academic year is not set: give the date or set the year in /admin
import-problem-sheet-unknown = unknown sheet "{ $name }": sheets are named courses, teachers, groups, slots, students
import-problem-sheet-twice = a second sheet of the same kind ({ $kind })
import-problem-column-unnamed = a column with data has no header
import-problem-column-unknown = unknown column; allowed: { $allowed }
import-problem-column-twice = the column appears twice
import-problem-column-missing = a required column is missing
import-problem-no-sheets = no sheet to import was found; the sheets needed: { $allowed }
import-problem-org-unknown = there is no such organisation in the network
import-problem-org-not-yours = you can import only into your own organisation
import-problem-duplicate = the code appears twice (first in row { $first })
import-problem-code-other-org = this code is taken by a record of another organisation
import-problem-code-taken = this code belongs to another person or organisation
import-problem-course-unknown = no course with this code, neither in the file nor in your organisation
import-problem-teacher-unknown = no teacher with this code, neither in the file nor in your organisation
import-problem-capacity = fewer seats than students already enrolled ({ $enrolled })
import-problem-group-unknown = no group with this code, neither in the file nor in the catalogue
import-problem-no-slots = a new group without any row on the slots sheet
import-problem-example-reference = this is an example row's code, and examples are never imported: give the code of your own record

## The template: what each column means

import-template-intro =
    Template for importing the catalogue and class lists.
    Fill in the sheets you need (delete the others) and send the file to the bot as a document after /import.
    Grey rows with EXAMPLE-… codes are examples: they are never imported. Write your data over an example (with your own code) or below it; an example left in place is simply skipped.
    Before writing, the bot shows what will change, and writes only after you press "Import".
    Column headers are not translated or changed. The first row of a sheet holds the headers; empty rows are skipped.
    Records are matched by their codes: the same file a second time changes nothing; rows missing from the file are not deleted.
    If the file has a problem, nothing changes; the bot lists every problem with its row number.
import-template-col-sheet = Sheet
import-template-col-column = Column
import-template-col-required = Required
import-template-col-meaning = What to write
import-template-yes = yes
import-template-no = no
import-template-directions = Directions (the direction column):
import-template-formats = Formats (the format column):

import-help-org = The organisation's code in the network (e.g. sosh5). A coordinator imports only into their own organisation.
import-help-course-code = The course's permanent code, in Latin letters (e.g. ART-01). The next import finds the course by it.
import-help-title = The course's title, up to 200 characters.
import-help-description = The course's description, up to 2000 characters.
import-help-direction = The direction: one of the values listed below.
import-help-format = The format: in_person, online or blended.
import-help-grade-min = From which grade (1–11).
import-help-grade-max = Up to which grade (1–11), not below the first.
import-help-hours = Hours in the programme, a whole number.
import-help-paid = Whether the course is paid: yes or no (empty means no).
import-help-person-code = The person's permanent code at your school (staff number, class list number), in Latin letters. The next import finds the person by it.
import-help-teacher-name = The teacher's full name.
import-help-group-code = The group's permanent code, in Latin letters (e.g. ART-01-A).
import-help-group-course = The group's course code: from the courses sheet or a course of your organisation imported before.
import-help-group-teacher = The teacher's code: from the teachers sheet or a teacher of your organisation imported before (empty: no teacher).
import-help-place = Where the lessons are: address, room.
import-help-capacity = Seats in the group.
import-help-min-size = Students needed to run the group (empty: the network's minimum, usually 10).
import-help-start-date = First day: YYYY-MM-DD or DD.MM.YYYY (empty: a new group starts with the academic year, an existing one keeps its own).
import-help-end-date = Last day: not before the first (empty: a new group ends with the academic year, an existing one keeps its own).
import-help-slot-group = The group's code: from the groups sheet or a group imported before. A group's rows on this sheet replace its whole previous timetable.
import-help-weekday = Weekday: 1 is Monday … 7 is Sunday, or a name (Mon, Tue…).
import-help-start = Start of the lesson in the organisation's local time, HH:MM.
import-help-end = End of the lesson, HH:MM.
import-help-student-name = The student's full name. Parents' contacts do not go here: parents join by their child's code.
import-help-grade = Grade (1–11).

import-problems-sheet = Problems
import-problems-col-row = Row
import-problems-col-value = Value
import-problems-col-problem = What is wrong

import-codes-sheet = Join codes
import-codes-col-org = Organisation
import-codes-col-role = Role
import-codes-col-name = Full name
import-codes-col-grade = Grade
import-codes-col-join = Command for the bot
import-codes-col-link = Link
import-codes-col-expires = Valid until

notify-group-timetable-changed =
    🗓 <b>The timetable has changed</b>{ $reader ->
        [parent] {" "}for { $child }
       *[other] {""}
    }: { $course } ({ $group }).
    Next lesson: { $next }, place: { $place }. The whole timetable: /schedule
error-import-staff-only = Only coordinators and the network admin can import spreadsheets.
error-join-other-school = This code is for a student of another school, and you are registered as a student already. Please ask the coordinator.
error-join-other-person = This code was issued to someone else. Please ask the coordinator.
audit-import-applied = spreadsheet imported
