## One person on Telegram and on MAX

messenger-telegram = Telegram
messenger-max = MAX
cmd-messengers = Telegram and MAX: where notifications go
btn-messengers = 📱 Messengers
accounts-title = <b>📱 Messengers</b>
accounts-line-on = ✅ { $messenger } — connected, notifications come here
accounts-line-off = ✅ { $messenger } — connected, no notifications here
accounts-line-missing = ▫️ { $messenger } — not connected
accounts-hint = To use the bot in another messenger too — with the same children, applications and schedule — tap «Connect another messenger».
btn-accounts-notify-on = 🔔 Notify me on { $messenger }
btn-accounts-notify-off = 🔕 Stop notifying on { $messenger }
btn-accounts-connect = ➕ Connect another messenger
accounts-code =
    Code: <code>{ $code }</code>

    Open our bot in the other messenger (Telegram or MAX) and send it:
    <code>/connect { $code }</code>

    The code works once, until { $expires }.
accounts-ask-code = Send the code the bot showed you in the other messenger (menu → «📱 Messengers» → «Connect another messenger»).
accounts-linked = 🔗 Done: { $messenger } is connected to your profile. Notifications will come to every connected messenger; choose in /messengers.
accounts-code-invalid = There is no such code, or it has expired. Get a new one: menu → «📱 Messengers» → «Connect another messenger».
accounts-already-linked = This messenger is already connected to your profile.
accounts-messenger-taken = Your profile already has another { $messenger ->
        [max] MAX
       *[other] Telegram
    } account. Disconnect it there first.
accounts-has-own-data = This account already has its own profile (a role, children or applications), so it cannot be merged automatically. Connect the other way round, or ask your coordinator.
accounts-not-connected = { $messenger ->
        [max] MAX
       *[other] Telegram
    } is not connected to your profile.
accounts-last-notify = Notifications must come to at least one messenger — otherwise you would miss a cancelled lesson.
