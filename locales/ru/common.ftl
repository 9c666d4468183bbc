## Начало, регистрация, меню и справка

start-choose-language = Выберите язык · Choose your language
start-choose-role =
    Здравствуйте! Этот бот объединяет школы нашей сети: смотрите курсы всех школ, подавайте заявления и следите за ними.

    Кто вы?
    Учителя и координаторы входят по ссылке-приглашению от администратора сети.
register-choose-org = В какой школе вы учитесь?
register-choose-grade = В каком вы классе?
register-ask-name = Напишите имя и фамилию — так, как они записаны в школе.
register-parent-ask-name = Напишите ваши фамилию, имя и отчество — так, как их знает школа.
register-student-done = Готово! Можно смотреть каталог и подавать заявления. Каждое заявление подтверждает родитель: нажмите «Привязать родителя», чтобы подключить его.
register-parent-done = Готово! Попросите ребёнка открыть в боте «Привязать родителя» и прислать вам код, затем нажмите «Привязать ребёнка».
invite-accepted = Добро пожаловать! Ваша роль: { $role }.

role-student = Ученик
role-parent = Родитель
role-teacher = Учитель
role-coordinator = Координатор
role-admin = Администратор сети
role-choose = В какой роли вы хотите работать?

menu-title = <b>{ $name }</b> · { $role }
menu-no-role = У вас пока нет роли. Отправьте /start, чтобы зарегистрироваться.
menu-review-count = { $count ->
    [0] Заявлений на рассмотрении нет.
    [one] <b>{ $count }</b> заявление ждёт вашего решения.
    [few] <b>{ $count }</b> заявления ждут вашего решения.
   *[many] <b>{ $count }</b> заявлений ждут вашего решения.
}
menu-consent-count = { $count ->
    [0] Заявлений, ждущих вашего согласия, нет.
    [one] <b>{ $count }</b> заявление ждёт вашего согласия.
    [few] <b>{ $count }</b> заявления ждут вашего согласия.
   *[many] <b>{ $count }</b> заявлений ждут вашего согласия.
}

btn-catalogue = 📚 Каталог
btn-my-applications = 📝 Мои заявления
btn-link-parent = 👪 Привязать родителя
btn-children = 👧 Заявления детей
btn-link-child = ➕ Привязать ребёнка
btn-review = 📥 Заявления на рассмотрение
btn-my-groups = 👩‍🏫 Мои группы
btn-network = 🏫 Сеть
btn-invite = ✉️ Пригласить сотрудника
btn-language = 🌐 Язык
btn-switch-role = 🔁 Сменить роль
btn-menu = ☰ Меню
btn-back = ◀ Назад
btn-cancel = ✖ Отмена
btn-skip = Пропустить
btn-confirm = ✅ Подтвердить
btn-decline = 🚫 Отклонить
btn-approve = ✅ Одобрить
btn-reject = ❌ Отказать
btn-withdraw = ↩️ Отозвать
btn-withdraw-yes = ↩️ Да, отозвать

cmd-start = Начать сначала
cmd-menu = Главное меню
cmd-help = Что умеет бот
cmd-role = Сменить роль
cmd-language = Язык
cmd-catalogue = Каталог курсов
cmd-applications = Мои заявления
cmd-parent = Привязать родителя
cmd-children = Заявления детей
cmd-link = Привязать ребёнка
cmd-groups = Мои группы
cmd-review = Заявления на рассмотрение
cmd-network = Обзор сети
cmd-invite = Пригласить сотрудника

help-new = Отправьте /start, чтобы выбрать язык и зарегистрироваться как ученик или родитель.
help-student =
    <b>Ученик</b>
    /catalogue — курсы всех школ сети для вашего класса: фильтры и запись в группу
    /schedule — ваши занятия на эту и следующую неделю, с отменами и переносами; /calendar — файлом календаря
    /attendance — ваша посещаемость по курсам
    /applications — ваши заявления, их состояние и история; можно отозвать
    /parent — одноразовый код для родителя: он подтверждает каждое заявление
help-parent =
    <b>Родитель</b>
    /children — заявления ваших детей (подтвердите или отклоните ждущие вас), их расписание и посещаемость
    /link — привязать ребёнка по коду, который он вам покажет
help-teacher =
    <b>Учитель</b>
    /today, /week — ваши занятия: посещаемость в пару касаний, отмена и перенос
    /groups — ваши группы: написать группе, добавить занятие
help-coordinator =
    <b>Координатор</b>
    /review — заявления учеников вашей школы, подтверждённые родителями: одобрить или отказать с причиной
    /unreachable — родители ваших учеников, заблокировавшие бота
help-admin =
    <b>Администратор сети</b>
    /network — организации сети
    /invite — ссылки-приглашения для учителей, координаторов и администраторов
    /profileday — общий профильный день сети
help-common = /menu — главное меню · /role — сменить роль · /language — язык

org-kind-school = школа
org-kind-resource_centre = ресурсный центр
org-kind-art_school = школа искусств
org-kind-college = колледж
org-kind-university = вуз

## Учителя и администратор

groups-title = { $count ->
    [0] У вас пока нет групп.
    [one] Ваша { $count } группа:
    [few] Ваши { $count } группы:
   *[many] Ваши { $count } групп:
}
groups-line = <b>{ $code }</b> — { $course }
    Записано { $enrolled } из { $capacity } · минимум для запуска: { $minimum }
network-title = { $count ->
    [one] В сети { $count } организация:
    [few] В сети { $count } организации:
   *[many] В сети { $count } организаций:
}
network-line = <b>{ $name }</b> ({ $kind })
    Курсов: { $courses } · учеников: { $students } · координаторов: { $coordinators }
invite-choose-role = Для какой роли приглашение?
invite-choose-org = В какую организацию?
invite-created =
    Приглашение на роль «{ $role }». Отправьте ссылку одному человеку; она сработает один раз, до { $expires }:
    { $link }
cmd-today = Занятия сегодня
cmd-week = Занятия на неделю
cmd-schedule = Моё расписание
cmd-attendance = Моя посещаемость
cmd-calendar = Файл календаря
cmd-profileday = Общий профильный день
btn-open-application = 📄 Открыть заявление
btn-mark-attendance = ✅ Отметить посещаемость
btn-cancel-group = 🚫 Отменить группу
btn-run-anyway = ▶️ Запустить всё равно
btn-unreachable = 📵 Недоступные родители
cmd-unreachable = Родители, заблокировавшие бота
group-cancelled-done = { $count ->
    [0] 🚫 Группа отменена.
    [one] 🚫 Группа отменена; { $count } ученику и его семье отправляются уведомления.
   *[other] 🚫 Группа отменена; ученикам ({ $count }) и их семьям отправляются уведомления.
}
group-run-anyway-done = ▶️ Группа работает ниже минимума; больше спрашивать не будем.
unreachable-title = { $count ->
    [0] Все родители ваших учеников доступны. 🎉
    [one] { $count } родитель ваших учеников заблокировал бота или ушёл из Telegram:
    [few] { $count } родителя ваших учеников заблокировали бота или ушли из Telegram:
   *[many] { $count } родителей ваших учеников заблокировали бота или ушли из Telegram:
}
unreachable-line = { $parent } — родитель: { $child }, с { $since }
