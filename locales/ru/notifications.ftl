## Уведомления: текст собирается на языке получателя в момент отправки

notify-parent-consent-needed =
    📝 { $student_gender ->
        [female] { $student } подала заявление
        [male] { $student } подал заявление
       *[other] { $student }: новое заявление
    } на курс <b>{ $course }</b> (группа { $group }).
    Подтвердите или отклоните: /children
notify-student-parent-confirmed = 👪 Родитель подтвердил ваше заявление на курс <b>{ $course }</b>. Теперь его рассмотрит школа.
notify-student-parent-declined = 🚫 Родитель отклонил ваше заявление на курс <b>{ $course }</b>. Причина: { $reason }
notify-coordinator-review =
    📥 Новое заявление на рассмотрение: { $student }, <b>{ $course }</b> (группа { $group }).
    Открыть очередь: /review
notify-enrolled = ✅ { $student_is ->
        [you] Вы зачислены
       *[other] { $student_gender ->
            [female] { $student } зачислена
            [male] { $student } зачислен
           *[other] { $student }: зачисление
        }
    } на курс <b>{ $course }</b> (группа { $group }).
notify-waitlisted = ⏳ { $student_is ->
        [you] Вы в листе ожидания
       *[other] { $student } в листе ожидания
    } на курс <b>{ $course }</b> (группа { $group }): мест нет. Как только место освободится, зачисление пройдёт само.
notify-rejected = ❌ Школа отклонила { $student_is ->
        [you] ваше заявление
       *[other] { $student_gender ->
            [unknown] заявление ({ $student })
           *[other] заявление { $student_gen }
        }
    } на курс <b>{ $course }</b>. Причина: { $reason }
notify-withdrawn = ↩️ { $student_is ->
        [you] Ваше заявление
       *[other] { $student_gender ->
            [unknown] Заявление ({ $student })
           *[other] Заявление { $student_gen }
        }
    } на курс <b>{ $course }</b> (группа { $group }) отозвано.
notify-promoted = 🎉 Освободилось место: { $student_is ->
        [you] вы зачислены
       *[other] { $student_gender ->
            [female] { $student } зачислена
            [male] { $student } зачислен
           *[other] { $student } — зачисление
        }
    } на курс <b>{ $course }</b> (группа { $group }).
notify-group-confirmed = 🎉 Группа { $group } курса <b>{ $course }</b> набрала минимальный состав и будет работать{ $reader ->
        [parent] { $child_gender ->
            [plural] : в ней учатся { $child }
           *[other] : в ней учится { $child }
        }
       *[other] {""}
    }.
notify-parent-linked = 👪 { $parent } — ваш родитель в боте: будет подтверждать ваши заявления.
notify-lesson-cancelled = ❌ <b>Занятие отменено</b>{ $reader ->
        [parent] { $child_gender ->
            [unknown] {" "}— { $child }
           *[other] {" "}у { $child_gen }
        }
       *[other] {""}
    }: { $course } ({ $group }), { $when }. Причина: { $reason }
notify-lesson-moved =
    🔁 <b>Занятие перенесено</b>{ $reader ->
        [parent] { $child_gender ->
            [unknown] {" "}— { $child }
           *[other] {" "}у { $child_gen }
        }
       *[other] {""}
    }: { $course } ({ $group })
    с { $old } на <b>{ $new }</b>, { $place }. Причина: { $reason }
notify-lesson-added = ➕ <b>Дополнительное занятие</b>{ $reader ->
        [parent] { $child_gender ->
            [unknown] {" "}— { $child }
           *[other] {" "}у { $child_gen }
        }
       *[other] {""}
    }: { $course } ({ $group }), { $when }, { $place }.
notify-absent = ❗ { $student_gender ->
        [female] { $student } не была на занятии
        [male] { $student } не был на занятии
       *[other] { $student }: пропуск занятия
    } «{ $course }» { $when }.
notify-group-message =
    ✉️ <b>{ $author }</b> — группе { $group } ({ $course }){ $reader ->
        [parent] {" "}(ваш ребёнок: { $child })
       *[other] {""}
    }:
    { $text }
notify-lesson-tomorrow = 🗓 Завтра: <b>{ $course }</b> ({ $group }), { $when }, { $place }.
notify-lesson-soon = ⏰ Скоро: <b>{ $course }</b> ({ $group }) начинается { $when }, { $place }.
notify-roll-missing = ✅ Посещаемость ещё не отмечена: <b>{ $course }</b> ({ $group }), { $when }.
notify-consent-reminder = 📝 { $student_gender ->
        [unknown] Заявление ({ $student })
       *[other] Заявление { $student_gen }
    } на курс <b>{ $course }</b> (группа { $group }) всё ещё ждёт вашего согласия.
notify-expired = ⌛ { $student_is ->
        [you] Ваше заявление
       *[other] { $student_gender ->
            [unknown] Заявление ({ $student })
           *[other] Заявление { $student_gen }
        }
    } на курс <b>{ $course }</b> (группа { $group }) истекло: родитель не подтвердил его за неделю. { $student_is ->
        [you] Можно подать заново.
       *[other] Подать его можно заново.
    }
notify-group-undersized = ⚠️ В группе { $group } курса <b>{ $course }</b> { $enrolled } из { $minimum } учеников, начало { $start }. Отменить группу или запустить всё равно?
notify-group-cancelled =
    🚫 Группа { $group } курса <b>{ $course }</b> отменена: не набралось учеников. { $student_is ->
        [you] Ваше заявление
       *[other] { $student_gender ->
            [unknown] Заявление ({ $student })
           *[other] Заявление { $student_gen }
        }
    } закрыто.
    Другие открытые группы того же направления:
    { $suggestions }
notify-group-cancelled-staff = 🚫 Группа { $group } курса <b>{ $course }</b> отменена: не набралось учеников. { $count ->
        [0] Заявлений в ней не было.
        [one] Закрыто { $count } заявление; семье ученика предложены другие группы.
        [few] Закрыто { $count } заявления; семьям учеников предложены другие группы.
       *[many] Закрыто { $count } заявлений; семьям учеников предложены другие группы.
    }
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
