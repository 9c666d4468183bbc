## Один человек в Telegram и в MAX

messenger-telegram = Telegram
messenger-max = MAX
cmd-messengers = Telegram и MAX: где присылать уведомления
btn-messengers = 📱 Мессенджеры
accounts-title = <b>📱 Мессенджеры</b>
accounts-line-on = ✅ { $messenger } — подключён, уведомления приходят сюда
accounts-line-off = ✅ { $messenger } — подключён, уведомления сюда не приходят
accounts-line-missing = ▫️ { $messenger } — не подключён
accounts-hint = Чтобы пользоваться ботом и в другом мессенджере — с теми же детьми, заявками и расписанием, — нажмите «Подключить другой мессенджер».
btn-accounts-notify-on = 🔔 Присылать в { $messenger }
btn-accounts-notify-off = 🔕 Не присылать в { $messenger }
btn-accounts-connect = ➕ Подключить другой мессенджер
accounts-code =
    Код: <code>{ $code }</code>

    Откройте нашего бота в другом мессенджере (Telegram или MAX) и отправьте ему:
    <code>/connect { $code }</code>

    Код одноразовый, действует до { $expires }.
accounts-ask-code = Отправьте код, который бот показал вам в другом мессенджере (меню → «📱 Мессенджеры» → «Подключить другой мессенджер»).
accounts-linked = 🔗 Готово: { $messenger } подключён к вашему профилю. Уведомления будут приходить во все подключённые мессенджеры; выбрать — /messengers.
accounts-code-invalid = Такого кода нет или он уже не действует. Получите новый: меню → «📱 Мессенджеры» → «Подключить другой мессенджер».
accounts-already-linked = Этот мессенджер уже подключён к вашему профилю.
accounts-messenger-taken = К профилю уже подключён другой аккаунт { $messenger ->
        [max] MAX
       *[other] Telegram
    }. Сначала отключите его там.
accounts-has-own-data = У этого аккаунта уже есть свой профиль (роль, дети или заявки), поэтому объединить его автоматически нельзя. Подключите профиль с данными к новому аккаунту в обратную сторону или обратитесь к координатору.
accounts-not-connected = { $messenger ->
        [max] MAX
       *[other] Telegram
    } не подключён к вашему профилю.
accounts-last-notify = Хотя бы в один мессенджер уведомления должны приходить — иначе вы пропустите отмену занятия.
