## Рассылки координаторов и администратора сети

cmd-broadcast = Рассылка
btn-broadcast = 📢 Рассылка
bc-choose-scope = <b>Рассылка.</b> Кому написать? Всей сети — выберите роль; или одной организации.
bc-choose-org = Какой организации?
bc-choose-who = <b>{ $org }</b>: кому написать?
btn-bc-one-org = 🏫 Одной организации…
btn-bc-students = 🎒 Ученикам
btn-bc-parents = 👪 Родителям
btn-bc-students-parents = 🎒👪 Ученикам и родителям
btn-bc-teachers = 👩‍🏫 Учителям
btn-bc-coordinators = 🗂 Координаторам
btn-bc-everyone = 👥 Всем
btn-bc-send = ✅ Отправить
btn-bc-edit = ✏️ Изменить текст
bc-role-student = ученики
bc-role-parent = родители учеников
bc-role-teacher = учителя
bc-role-coordinator = координаторы
bc-whole-network = вся сеть
bc-audience = { $who } — { $where }
bc-ask-text =
    Кому: <b>{ $audience }</b>.

    Напишите текст рассылки одним сообщением (не длиннее { $max } символов). Перед отправкой я покажу, как его увидят получатели и сколько человек его получат.
bc-preview =
    <b>Предпросмотр рассылки</b>
    Кому: { $audience }
    { $count ->
        [one] Получит <b>{ $count }</b> человек
        [few] Получат <b>{ $count }</b> человека
       *[many] Получат <b>{ $count }</b> человек
    }.{ $blocked ->
        [0] { "" }
       *[other] { " " }Заблокировали бота: { $blocked } — им сообщение не придёт.
    }{ $never_started ->
        [0] { "" }
       *[other] { " " }Ещё не начинали диалог с ботом: { $never_started } — им сообщение не придёт.
    }
    { $held ->
        [none] Сообщения уходят после срочных.
       *[other] 🌙 Сейчас тихие часы: рассылка начнёт уходить { $held }.
    }

    Так его увидят получатели:
    ───────────
    { $message }
bc-preview-nobody =
    Кому: { $audience }
    В этой аудитории пока никого нет — отправлять некому. Выберите другую аудиторию.
bc-cancelled = Рассылка отменена, никто ничего не получил.
bc-progress =
    📢 <b>Рассылка отправляется</b> ({ $audience })
    Доставлено { $delivered } из { $total }, не доставлено { $unreachable }.
bc-done =
    ✅ <b>Рассылка завершена</b> ({ $audience })
    Доставлено { $delivered } из { $total }, не доставлено { $unreachable }.
broadcast-from-network = Методический центр сети
notify-broadcast =
    📢 <b>{ $sender }</b> · { $author }

    { $text }

error-broadcast-not-allowed = Рассылки доступны только координаторам и администратору сети.
error-broadcast-own-org = Координатор пишет только ученикам и родителям своей организации.
error-broadcast-sent = Эта рассылка уже отправлена.
error-broadcast-nobody = В этой аудитории никого нет — отправлять некому.
audit-broadcast-sent = отправлена рассылка
