## The network admin: organisations and the network's settings

cmd-admin = Run the network
cmd-orgs = Organisations
cmd-settings = Network settings
btn-admin = 🛠 Run the network
btn-adm-orgs = 🏫 Organisations
btn-adm-settings = ⚙️ Network settings
btn-adm-org-add = ➕ Add an organisation
btn-adm-org-name = ✏️ Name
btn-adm-quiet = 🌙 Quiet hours
btn-adm-invite-coordinator = ✉️ Invite a coordinator
btn-adm-year = 📅 Academic year
btn-adm-min-size = 👥 Group minimum
adm-title = <b>Running the network</b>
    Organisations and their coordinators, the academic year, quiet hours, the minimum group size, holidays and the profile day, broadcasts and the audit log.
adm-orgs-title = <b>Organisations of the network</b>: { $count }. Tap one to change it.
adm-org-line = • <b>{ $name }</b> ({ $kind }, code { $code }, { $timezone })
adm-org-card =
    <b>{ $name }</b>
    Short name: { $short }
    Code: { $code } · { $kind }
    Time zone: { $timezone }
    Quiet hours: { $quiet }
    Coordinators: { $coordinators }
adm-quiet-as-network = as the network's ({ $hours })
adm-quiet-default = { $hours } (default)
adm-not-set = not set
adm-year-range = { $start } — { $end }
adm-settings =
    <b>Network settings</b>
    Academic year: { $year }
    Quiet hours (for organisations without their own): { $quiet }
    Minimum size of a new group: { $min_size }
    Profile day: { $profile_day }
adm-ask-org =
    Write on one line, separated by semicolons: code (Latin letters, digits), full name, short name, time zone.
    For example: <code>sosh7; МБОУ СОШ № 7; СОШ № 7; Europe/Moscow</code>
adm-ask-org-kind = What kind of organisation is “{ $name }”?
adm-ask-org-name =
    The new name of “{ $org }”. You may add the short name after a semicolon.
    For example: <code>Gymnasium No. 7; Gymnasium 7</code>
adm-ask-org-quiet =
    Quiet hours of “{ $org }”, in the organisation's time zone, for example <code>21:00-08:00</code>. Only urgent messages go out then. To use the network's quiet hours again, write “-”.
adm-ask-year = Dates of the academic year, for example <code>01.09.2026-31.05.2027</code>. New groups get them by default.
adm-ask-quiet = The network's quiet hours, for example <code>21:00-08:00</code> (each organisation's local time). To go back to the default, write “-”.
adm-ask-min-size = The minimum size of a new group: a number from 1 to { $max }. A group runs once it has that many students.
adm-saved = ✅ Saved.

error-quiet-format = Write the start and the end with a hyphen, for example 21:00-08:00.
error-quiet-same = The quiet hours start and end at the same time. For example: 21:00-08:00.
error-year-format = Write two dates with a hyphen, for example 01.09.2026-31.05.2027.
error-year-order = The academic year must end after it starts.
error-year-long = An academic year cannot be longer than { $days } days.
error-min-size = Write a whole number from 1 to { $max }.
error-org-format = Four parts separated by semicolons are needed: code; full name; short name; time zone.
error-org-code = The code is 2 to 32 lowercase Latin letters, digits, “-” or “_”, for example sosh7.
error-org-code-taken = The code “{ $code }” is taken by another organisation.
error-org-name = A name is 1 to { $max } characters, with letters.
error-timezone = I do not know the time zone “{ $value }”. Write it like Europe/Moscow or Asia/Yekaterinburg.

audit-organisation-created = organisation added
audit-organisation-renamed = organisation renamed
audit-organisation-quiet-hours = organisation's quiet hours changed
audit-network-year = academic year dates changed
audit-network-quiet-hours = network's quiet hours changed
audit-network-min-group-size = minimum group size changed
audit-network-profile-day = profile day changed
audit-holiday-added = holiday added
