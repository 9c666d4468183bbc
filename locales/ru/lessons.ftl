## Занятия, посещаемость, расписание

lesson-line = { $time } { $course } ({ $group }), { $place }
lesson-cancelled-note = ❌ отменено: { $reason }
lesson-moved-note = 🔁 перенесено с { $old }: { $reason }
lesson-card =
    <b>{ $course }</b>, группа { $group } ({ $provider })
    🕒 { $when }
    📍 { $place }
    Статус: { $status } · записано: { $enrolled }
lesson-status-scheduled = по плану
lesson-status-cancelled = ❌ отменено
lesson-status-moved = 🔁 перенесено
lesson-reason = Причина: { $reason }
lesson-history = <b>Изменения</b>
lesson-event-added = { $at } — добавлено на { $new }
lesson-event-cancelled = { $at } — отменено (было { $old })
lesson-event-moved = { $at } — перенесено с { $old } на { $new }

today-title = { $count ->
    [0] <b>Сегодня, { $day }</b>: занятий нет.
    [one] <b>Сегодня, { $day }</b>: { $count } занятие
    [few] <b>Сегодня, { $day }</b>: { $count } занятия
   *[many] <b>Сегодня, { $day }</b>: { $count } занятий
}
lessons-legend = ☑️ прошло (можно отметить посещаемость) · 🕒 впереди · ❌ отменено · 🔁 перенесено
week-title = { $count ->
    [0] <b>Прошедшие и ближайшие 7 дней</b>: занятий нет.
    [one] <b>Прошедшие и ближайшие 7 дней</b>: { $count } занятие
    [few] <b>Прошедшие и ближайшие 7 дней</b>: { $count } занятия
   *[many] <b>Прошедшие и ближайшие 7 дней</b>: { $count } занятий
}

btn-today = 📅 Сегодня
btn-week = 🗓 Неделя
btn-attendance = ✅ Посещаемость
btn-cancel-lesson = ❌ Отменить занятие
btn-move-lesson = 🔁 Перенести
btn-write-group = ✉️ Написать группе
btn-write-to = ✉️ { $code }
btn-extra-lesson = ➕ Занятие для { $code }
btn-all-present = 🙋 Все присутствуют
btn-save = 💾 Сохранить
btn-cancel-yes = ❌ Да, отменить
btn-same-place = 📍 То же место
btn-to-students = 👩‍🎓 Только ученикам
btn-to-families = 👪 Ученикам и родителям
btn-schedule = 🗓 Расписание
btn-attendance-stats = 📊 Посещаемость
btn-calendar = 📅 Файл календаря (.ics)
btn-child-schedule = 🗓 { $name }
btn-child-attendance = 📊
btn-profile-day = ⭐ Профильный день
btn-profile-day-clear = Без профильного дня

roll-title = { $count ->
    [0] <b>{ $course }</b> ({ $group }), { $when }: записанных нет.
   *[other] <b>{ $course }</b> ({ $group }), { $when }
    Нажимайте на имя, чтобы сменить отметку: ✅ был → ❌ не был → ⏰ опоздал → 📝 уважительная причина. Затем сохраните.
}
roll-saved = { $told ->
    [0] 💾 Сохранено отметок: { $count }.
    [one] 💾 Сохранено отметок: { $count }; { $told } родителю сообщено об отсутствии.
   *[other] 💾 Сохранено отметок: { $count }; родителям ({ $told }) сообщено об отсутствии.
}
cancel-ask-reason = Почему занятие отменяется? Напишите причину — её прочитают ученики, родители и координаторы.
cancel-confirm =
    Отменить занятие «{ $course }» ({ $group }), { $when }?
    Причина: «{ $reason }».
    { lesson-change-told }
cancel-done = ❌ Вы отменили занятие; всем, кого это касается, отправляются уведомления.
move-ask-day = На какой день перенести занятие? (время — по часовому поясу { $zone })
move-ask-time = Новое время начала { $day }? Напишите, например, 15:30.
move-ask-place = Где? Напишите место или оставьте прежнее.
move-ask-reason = Почему переносится? Напишите причину.
move-confirm =
    Перенести занятие «{ $course }» ({ $group })
    с { $old } на <b>{ $new }</b>, место: { $place }?
    Причина: «{ $reason }».
    { lesson-change-told }
btn-move-yes = 🔁 Да, перенести
lesson-change-told = { $count ->
    [0] Сообщать некому: в группе пока никого нет.
    [one] Сообщение сразу получит { $count } человек: ученики, их родители, координаторы и педагог.
    [few] Сообщение сразу получат { $count } человека: ученики, их родители, координаторы и педагог.
   *[many] Сообщение сразу получат { $count } человек: ученики, их родители, координаторы и педагог.
}
move-done = 🔁 Вы перенесли занятие; всем, кого это касается, отправляются уведомления.
add-ask-day = Дополнительное занятие для { $group }: в какой день?
add-ask-times = Время { $day }? Напишите, например, 15:00-16:30.
add-done = ➕ Вы добавили занятие; группе отправляются уведомления.
write-ask-text = Напишите сообщение для группы { $group } ({ $course }).
write-ask-who = Кому отправить?
write-done = { $count ->
    [0] В группе ещё никто не записан — сообщение никому не отправлено.
    [one] ✉️ Отправлено { $count } человеку.
   *[other] ✉️ Отправлено получателям: { $count }.
}

schedule-title = <b>Расписание</b> · { $name }, эта и следующая неделя
schedule-empty = На эти две недели занятий нет.
attendance-title = <b>Посещаемость</b> · { $name }
attendance-line = <b>{ $course }</b>: ✅ { $present } · ❌ { $absent } · ⏰ { $late } · 📝 { $excused } (из { $total })
attendance-empty = Отметок пока нет.
calendar-name = Занятия: { $name }
calendar-caption = 📅 Откройте файл, чтобы добавить занятия в календарь; после изменений отправьте /calendar снова — события обновятся.

profile-day-title = Общий профильный день сети: <b>{ $day }</b>. По нему можно отфильтровать каталог.
profile-day-none = не задан
cat-profile-day = ⭐ Профильный день ({ $day })
apply-clash = ⚠️ Пересекается с вашим расписанием: { $courses }. Подать заявление можно; координатор увидит пересечение.
review-clash = ⚠️ Пересечение с расписанием ученика: { $courses }
