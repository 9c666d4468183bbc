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
