## Broadcasts of coordinators and the network admin

cmd-broadcast = Broadcast
btn-broadcast = 📢 Broadcast
bc-choose-scope = <b>Broadcast.</b> To whom? The whole network — choose a role; or one organisation.
bc-choose-org = Which organisation?
bc-choose-who = <b>{ $org }</b>: to whom?
btn-bc-one-org = 🏫 One organisation…
btn-bc-students = 🎒 Students
btn-bc-parents = 👪 Parents
btn-bc-students-parents = 🎒👪 Students and parents
btn-bc-teachers = 👩‍🏫 Teachers
btn-bc-coordinators = 🗂 Coordinators
btn-bc-everyone = 👥 Everyone
btn-bc-send = ✅ Send
btn-bc-edit = ✏️ Edit the text
bc-role-student = students
bc-role-parent = students' parents
bc-role-teacher = teachers
bc-role-coordinator = coordinators
bc-whole-network = the whole network
bc-audience = { $who } — { $where }
bc-ask-text =
    To: <b>{ $audience }</b>.

    Write the text of the broadcast in one message (at most { $max } characters). Before it goes I will show how recipients will see it and how many people it reaches.
bc-preview =
    <b>Broadcast preview</b>
    To: { $audience }
    { $count ->
        [one] Reaches <b>{ $count }</b> person
       *[other] Reaches <b>{ $count }</b> people
    }.{ $blocked ->
        [0] { "" }
       *[other] { " " }Blocked the bot: { $blocked } — they will not get it.
    }{ $never_started ->
        [0] { "" }
       *[other] { " " }Have not started the bot yet: { $never_started } — they will not get it.
    }
    { $held ->
        [none] It goes after urgent messages.
       *[other] 🌙 Quiet hours now: the broadcast starts going out { $held }.
    }

    Recipients will see:
    ───────────
    { $message }
bc-preview-nobody =
    To: { $audience }
    Nobody is in this audience yet — there is no one to send to. Choose another audience.
bc-cancelled = Broadcast cancelled; nobody got anything.
bc-progress =
    📢 <b>Broadcast on its way</b> ({ $audience })
    { $delivered } of { $total } delivered, { $unreachable } not delivered.
bc-done =
    ✅ <b>Broadcast finished</b> ({ $audience })
    { $delivered } of { $total } delivered, { $unreachable } not delivered.
broadcast-from-network = Network office
notify-broadcast =
    📢 <b>{ $sender }</b> · { $author }

    { $text }

error-broadcast-not-allowed = Broadcasts are for coordinators and the network admin only.
error-broadcast-own-org = A coordinator writes only to the students and parents of their own organisation.
error-broadcast-sent = This broadcast has already been sent.
error-broadcast-nobody = Nobody is in this audience — there is no one to send to.
audit-broadcast-sent = broadcast sent
