## Уведомления: текст собирается на языке получателя в момент отправки

notify-parent-consent-needed =
    📝 { $student } подал(а) заявление на курс <b>{ $course }</b> (группа { $group }).
    Подтвердите или отклоните: /children
notify-student-parent-confirmed = 👪 Родитель подтвердил ваше заявление на курс <b>{ $course }</b>. Теперь его рассмотрит школа.
notify-student-parent-declined = 🚫 Родитель отклонил ваше заявление на курс <b>{ $course }</b>. Причина: { $reason }
notify-coordinator-review =
    📥 Новое заявление на рассмотрение: { $student }, <b>{ $course }</b> (группа { $group }).
    Открыть очередь: /review
notify-enrolled = ✅ { $student } зачислен(а) на курс <b>{ $course }</b> (группа { $group }).
notify-waitlisted = ⏳ { $student } в листе ожидания на курс <b>{ $course }</b> (группа { $group }): мест нет. Первое освободившееся место — ваше.
notify-rejected = ❌ Школа отказала в заявлении { $student } на курс <b>{ $course }</b>. Причина: { $reason }
notify-withdrawn = ↩️ Заявление { $student } на курс <b>{ $course }</b> (группа { $group }) отозвано.
notify-promoted = 🎉 Освободилось место: { $student } зачислен(а) на курс <b>{ $course }</b> (группа { $group }).
notify-group-confirmed = 🎉 Группа { $group } курса <b>{ $course }</b> набрала минимальный состав и будет работать.
notify-parent-linked = 👪 { $parent } привязан(а) как ваш родитель и будет подтверждать ваши заявления.
notify-lesson-cancelled = ❌ <b>Занятие отменено</b>: { $course } ({ $group }), { $when }. Причина: { $reason }
notify-lesson-moved =
    🔁 <b>Занятие перенесено</b>: { $course } ({ $group })
    с { $old } на <b>{ $new }</b>, { $place }. Причина: { $reason }
notify-lesson-added = ➕ <b>Дополнительное занятие</b>: { $course } ({ $group }), { $when }, { $place }.
notify-absent = ❗ { $student } не был(а) на занятии «{ $course }» { $when }.
notify-group-message =
    ✉️ <b>{ $author }</b> — группе { $group } ({ $course }):
    { $text }
notify-lesson-tomorrow = 🗓 Завтра: <b>{ $course }</b> ({ $group }), { $when }, { $place }.
notify-lesson-soon = ⏰ Скоро: <b>{ $course }</b> ({ $group }) начинается { $when }, { $place }.
notify-roll-missing = ✅ Посещаемость ещё не отмечена: <b>{ $course }</b> ({ $group }), { $when }.
notify-consent-reminder = 📝 Заявление { $student } на курс <b>{ $course }</b> (группа { $group }) всё ещё ждёт вашего согласия.
notify-expired = ⌛ Заявление { $student } на курс <b>{ $course }</b> (группа { $group }) истекло: родитель не подтвердил его за неделю. Можно подать заново.
notify-group-undersized = ⚠️ В группе { $group } курса <b>{ $course }</b> { $enrolled } из { $minimum } учеников, начало { $start }. Отменить группу или запустить всё равно?
notify-group-cancelled =
    🚫 Группа { $group } курса <b>{ $course }</b> отменена: не набралось учеников. Заявление { $student } закрыто.
    Другие открытые группы того же направления:
    { $suggestions }
notify-coordinator-digest =
    📋 <b>Сводка за день</b>
    Заявлений ждут вашего решения: { $review }
    Ваших групп ниже минимума, начинающихся в ближайшие две недели ({ $small_count }):
    { $small }
    Пропуски ваших учеников в других организациях, о которых ещё не сообщали ({ $absent_count }):
    { $absent }
notify-admin-weekly =
    📈 <b>Неделя сети</b>
    Подано заявлений: { $submitted } · зачислено: { $enrolled }
    Отменено или перенесено занятий: { $changed }
    Посещаемость: { $rate }% из { $marks } отметок
