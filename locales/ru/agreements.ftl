## Договоры о сетевой форме реализации образовательной программы

btn-agreements = 🤝 Договоры
btn-agreement-new = ➕ Новый договор
btn-agreement-activate = ✅ Договор подписан: ввести в действие
btn-agreement-extend = 🔁 Продлить
btn-agreement-extend-yes = 🔁 Да, продлить
btn-agreement-terminate = 🚫 Расторгнуть
btn-agreement-annex = 📎 Приложение: список учащихся
btn-open-agreement = 🤝 Открыть договор
btn-ask-admin = 🙋 Попросить администратора

agreement-state-draft = черновик
agreement-state-active = действует
agreement-state-expired = срок истёк
agreement-state-terminated = расторгнут

agreements-title = { $count ->
    [0] <b>Договоры о сетевой форме</b>
    Договоров пока нет.
   *[other] <b>Договоры о сетевой форме</b> ({ $count })
}
agreement-list-line =
    { $state } · <b>№ { $number }</b>
    { $home } ↔ { $provider }
    { $term } · { $courses ->
        [0] курсов нет
        [one] { $courses } курс
        [few] { $courses } курса
       *[many] { $courses } курсов
    }
agreement-line-button = { $icon } № { $number }: { $home } — { $provider }
agreement-term = с { $start } по { $end }
agreement-card =
    🤝 <b>Договор № { $number }</b> от { $signed }
    о сетевой форме реализации образовательной программы
    Основное учреждение (учащиеся): { $home }
    Ресурсное учреждение (обучение): { $provider }
    Срок действия: { $term }
    Состояние: { $state }
agreement-courses = <b>Курсы по договору</b> ({ $count })
agreement-no-courses = курсы не выбраны — отметьте их кнопками ниже
agreement-reason = Причина расторжения: { $reason }
agreement-history = <b>История</b>
agreement-by-system = система
agreement-event-created = { $when } — договор внесён в черновики ({ $who })
agreement-event-activated = { $when } — договор введён в действие ({ $who })
agreement-event-extended = { $when } — договор продлён до { $new_end } (был до { $old_end }; { $who })
agreement-event-terminated = { $when } — договор расторгнут ({ $who }): { $reason }
agreement-event-expired = { $when } — срок действия истёк
agreement-event-course-added = { $when } — добавлен курс «{ $course }» ({ $who })
agreement-event-course-removed = { $when } — исключён курс «{ $course }» ({ $who })

agreement-new-home = 🤝 <b>Новый договор</b>
    Шаг 1 из 4. Чьи учащиеся будут заниматься по договору? Выберите основное учреждение.
agreement-new-provider = Шаг 2 из 4. Какая организация проводит занятия? Выберите ресурсное учреждение.
agreement-ask-number = Шаг 3 из 4. Введите номер договора, как он записан в документе (например, 12/С).
agreement-ask-signed = Договор № { $number }. Шаг 4 из 4. Введите дату подписания: ДД.ММ.ГГГГ, например 01.09.2026.
agreement-created = 📝 Черновик договора создан. Срок действия — учебный год сети. Отметьте курсы, которые он охватывает, и введите договор в действие, когда он будет подписан.
agreement-activated = ✅ Договор введён в действие: учащихся основного учреждения можно зачислять на его курсы.
agreement-extended = 🔁 Договор продлён на следующий учебный год с теми же курсами.
agreement-terminated = 🚫 Договор расторгнут.
agreement-extend-ask =
    🔁 Продлить договор № { $number } до { $end }?
    { $courses ->
        [0] Номер и дата подписания останутся прежними
        [one] Курс договора, его номер и дата подписания останутся прежними
        [few] Все { $courses } курса договора, его номер и дата подписания останутся прежними
       *[many] Все { $courses } курсов договора, его номер и дата подписания останутся прежними
    }: продление оформляется дополнительным соглашением к этому договору.
    Координаторы организаций «{ $home }» и «{ $provider }» получат уведомление.
agreement-terminate-ask =
    🚫 Расторгнуть договор № { $number } между «{ $home }» и «{ $provider }»?
    После расторжения учащихся «{ $home }» больше нельзя будет зачислять на его курсы; уже зачисленные останутся в группах. Координаторы обеих организаций получат уведомление с причиной.
    Чтобы подтвердить, напишите причину расторжения одним сообщением.
agreement-annex-title = Приложение к договору № { $number }
agreement-annex-empty = По договору пока никто не зачислен.
agreement-annex-caption = 📎 Приложение к договору № { $number }: { $count ->
    [one] { $count } учащийся
    [few] { $count } учащихся
   *[many] { $count } учащихся
}

review-ask-admin = Одобрить заявление можно будет, когда договор вступит в силу. Администратор сети может помочь его оформить.
ask-admin-done = Администратор сети извещён о том, что нужен договор.
ask-admin-already = Администратор уже извещён об этом заявлении.

notify-agreement-activated = ✅ Договор № { $number } между «{ $home }» и «{ $provider }» введён в действие (до { $end }).
notify-agreement-extended = 🔁 Договор № { $number } между «{ $home }» и «{ $provider }» продлён до { $end }.
notify-agreement-terminated = 🚫 Договор № { $number } между «{ $home }» и «{ $provider }» расторгнут. Причина: { $reason }
notify-agreement-ending = ⏰ Через { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    } ({ $end }) истекает срок договора № { $number } между «{ $home }» и «{ $provider }». Если сотрудничество продолжается, продлите договор: /menu → «Договоры».
notify-admin-agreement-needed = 🙋 Нужен договор. Заявление: { $student }, курс «{ $course }» (группа { $group }). Между «{ $home }» и «{ $provider }» нет действующего договора о сетевой форме, охватывающего этот курс, поэтому школа не может одобрить заявление.

error-agreement-staff-only = Договоры доступны администратору сети и координаторам.
error-agreement-not-yours = Координатор может оформлять только договоры своей организации.
error-agreement-same-org = Договор заключается между двумя разными организациями.
error-agreement-state = Это уже не требуется: договор в состоянии «{ $state }».
error-agreement-number = Номер договора — от 1 до { $max } символов.
error-agreement-date = Не удалось прочитать дату. Введите её так: 01.09.2026.
error-agreement-number-taken = Договор № { $number } между этими организациями уже есть.
error-agreement-term = Срок договора должен заканчиваться не раньше, чем начинается.
error-agreement-course-not-provider = В договор можно включить только курсы ресурсного учреждения.
error-agreement-no-courses = Сначала отметьте хотя бы один курс.
error-agreement-ended = Срок этого договора уже прошёл.
error-no-agreement = Нельзя одобрить: между «{ $home }» и «{ $provider }» нет действующего договора о сетевой форме, охватывающего курс «{ $course }».
error-agreement-not-needed = Договор уже есть: заявление можно одобрить.

audit-agreement-created = создан договор
audit-agreement-courses-changed = изменены курсы договора
audit-agreement-activated = договор введён в действие
audit-agreement-extended = договор продлён
audit-agreement-terminated = договор расторгнут
audit-agreement-admin-asked = координатор попросил администратора оформить договор
audit-agreement-annex-exported = выгружено приложение к договору
audit-object-agreement = договор
