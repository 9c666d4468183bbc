## Отчёты, показатели, графики и выгрузки в Excel

cmd-reports = Отчёты и графики
cmd-export = Выгрузка в Excel

btn-reports = 📊 Отчёты
btn-export = ⬇️ Выгрузка в Excel
btn-reports-back = ◀ Отчёты
btn-rep-course = Набор по курсам
btn-rep-direction = По направлениям
btn-rep-minimum = Группы ниже минимума
btn-rep-att-org = Посещаемость по школам
btn-rep-att-course = По курсам
btn-rep-indicators = 🎯 Показатели программы
btn-rep-hours = 🕒 Часы
btn-rep-weeks = 📈 Посещаемость по неделям
btn-rep-sizes = 📊 Группы и минимум
btn-period-month = Этот месяц
btn-period-term = Полугодие
btn-period-last30 = 30 дней
btn-period-custom = ✏️ Свой период
btn-export-more = ⬇️ Ещё выгрузка
btn-exp-all = Всё, что мне доступно
btn-exp-org = 🏫 Организация…
btn-exp-group = 👥 Группа…
btn-exp-student = 🧑‍🎓 Ученик…
btn-prev-page = ◀
btn-next-page = ▶

period = { $start } — { $end }

reports-title =
    <b>Отчёты</b> · { $period }
    Выберите отчёт; период меняется кнопками под отчётом.
rep-empty = За этот период данных нет.
rep-more = …и ещё { $count }

rep-course-title = <b>Набор по курсам</b> · { $period }
rep-course-line = <b>{ $name }</b> ({ $provider }): зачислено { $enrolled } из { $capacity } мест, { $groups ->
    [one] { $groups } группа
    [few] { $groups } группы
   *[many] { $groups } групп
}, в листе ожидания { $waitlisted }
rep-direction-title = <b>Набор по направлениям</b> · { $period }
rep-direction-line = <b>{ $name }</b>: зачислено { $enrolled } из { $capacity } мест, { $groups ->
    [one] { $groups } группа
    [few] { $groups } группы
   *[many] { $groups } групп
}, в листе ожидания { $waitlisted }
rep-total = Всего зачислено: <b>{ $enrolled }</b>

rep-minimum-title = <b>Группы ниже минимума</b> · { $period }
    { $count ->
        [0] Все группы набрали минимум.
        [one] { $count } группа не набрала минимум.
        [few] { $count } группы не набрали минимум.
       *[many] { $count } групп не набрали минимум.
    }
rep-minimum-line = <b>{ $course }</b> ({ $group }, { $provider }): { $enrolled } из { $minimum }, не хватает { $missing }; начало { $start }
rep-minimum-run-anyway = — решено проводить

rep-att-org-title = <b>Посещаемость по школам учеников</b> · { $period }
rep-att-course-title = <b>Посещаемость по курсам</b> · { $period }
rep-att-line = <b>{ $name }</b>: { $rate } ({ $attended } из { $total })
rep-att-note = Посещение — отметки «присутствовал» и «опоздал» от всех отметок.

rep-indicators-title = <b>Показатели программы сетевого взаимодействия</b> · { $period }
rep-indicators-orgs = Доля организаций, вовлечённых в сетевые курсы: <b>{ $share }</b> ({ $involved } из { $total }) { $met }
rep-indicators-teachers = Доля педагогов, вовлечённых в сетевое взаимодействие: <b>{ $share }</b> ({ $involved } из { $total }) { $met }
rep-target-met = ✅ цель { $target } достигнута
rep-target-missed = ❌ цель { $target } не достигнута
rep-indicators-note = Организация вовлечена, если ведёт группу сетевого курса с зачисленными учениками или её ученики зачислены в такую группу; педагог — если ведёт такую группу. Считаются педагоги, зарегистрированные в боте.

rep-hours-title = <b>Часы по программам</b> · { $period }
rep-hours-orgs = <b>По организациям</b>
rep-hours-org-line = { $provider }: { $courses ->
    [one] { $courses } курс
    [few] { $courses } курса
   *[many] { $courses } курсов
}, { $planned } ч по программам; проведено занятий: { $held }
rep-hours-courses = <b>По курсам</b>
rep-hours-course-line = { $course } ({ $provider }): { $hours } ч × { $groups } гр. = { $planned } ч; проведено занятий: { $held }

chart-weeks-title = Посещаемость по неделям
chart-weeks-axis = Посещаемость, %
chart-weeks-series = посещаемость
chart-weeks-target = ориентир { $target }
# A week under the chart's axis: its Monday, day and short month.
chart-week = { $day } { $month ->
    [1] янв
    [2] фев
    [3] мар
    [4] апр
    [5] мая
    [6] июн
    [7] июл
    [8] авг
    [9] сен
    [10] окт
    [11] ноя
   *[12] дек
}
chart-sizes-title = Группы и минимум для запуска
chart-sizes-axis = Зачислено учеников
chart-sizes-enough = набрали минимум
chart-sizes-short = не набрали минимум
chart-sizes-minimum = минимум для запуска
chart-sizes-shown = Показаны { $shown } из { $total } { $total ->
    [one] группы
   *[other] групп
}: сначала те, кому дальше всего до минимума.
chart-caption = { $title } · { $period }
chart-empty = Нечего рисовать: за этот период нет данных.

export-choose-kind =
    <b>Выгрузка в Excel</b>
    Что выгрузить?
export-kind-applications = Заявления
export-kind-enrollments = Зачисления
export-kind-attendance = Посещаемость
export-choose-subject =
    <b>{ $kind }</b>
    Чьи данные?
export-choose-org = <b>{ $kind }</b> · выберите организацию.
export-choose-group = <b>{ $kind }</b> · выберите группу (страница { $page } из { $pages }).
export-ask-student = Напишите фамилию или часть имени ученика.
export-students-found = Найдено: { $count }. Выберите ученика или напишите иначе.
export-students-none = Никого не нашлось. Напишите иначе.
export-subject-all = всё, что вам доступно
export-choose-period =
    <b>{ $kind }</b> · { $subject }
    За какой период?
export-ask-period = Напишите период двумя датами через тире, например: 01.09.2026–31.12.2026.
export-loading = Готовлю файл…
export-building = Готовлю файл: { $total ->
    [one] { $total } строка
    [few] { $total } строки
   *[many] { $total } строк
}…
export-progress = Готовлю файл: { $done } из { $total }…
export-file-caption = { $kind } · { $subject } · { $period }
export-done = Файл готов: { $rows ->
    [one] { $rows } строка
    [few] { $rows } строки
   *[many] { $rows } строк
}.
export-empty = За период { $period } выгружать нечего: «{ $kind }» — пусто.

xlsx-student = Ученик
xlsx-school = Школа ученика
xlsx-grade = Класс
xlsx-course = Курс
xlsx-group = Группа
xlsx-provider = Организация курса
xlsx-state = Состояние
xlsx-submitted = Подано
xlsx-updated = Изменено
xlsx-reason = Причина
xlsx-direction = Направление
xlsx-teacher = Педагог
xlsx-enrolled-on = Зачислен
xlsx-group-start = Начало группы
xlsx-group-end = Окончание группы
xlsx-lesson = Занятие
xlsx-status = Отметка
xlsx-marked-at = Отмечено
xlsx-status-present = присутствовал
xlsx-status-absent = отсутствовал
xlsx-status-late = опоздал
xlsx-status-excused = по уважительной причине

error-reports-staff-only = Отчёты и выгрузки — для координаторов, педагогов и администратора сети. Если у вас есть такая роль, переключитесь: /role.
error-report-not-your-org = Это данные другой организации: вам доступна только своя.
error-report-not-your-group = Эта группа вам не доступна: педагогу — свои группы, координатору — группы своей организации и её учеников.
error-report-not-your-student = Этот ученик вам не доступен.
error-report-not-for-teachers = Этот отчёт — для координаторов и администратора сети.
error-export-teacher-attendance = Педагог может выгрузить только посещаемость своих групп.
error-report-search-short = Напишите хотя бы две буквы.
error-period-format = Не понял период. Напишите две даты через тире, например: 01.09.2026–31.12.2026.
error-period-no-such-date = Такой даты нет в календаре. Проверьте день и месяц, например: 01.09.2026–31.12.2026.
error-period-order = Начало периода позже конца. Сначала ранняя дата, например: 01.09.2026–31.12.2026.
error-period-too-long = Слишком длинный период: не больше { $days ->
    [one] { $days } дня
   *[other] { $days } дней
}.

audit-report-exported = выгрузка в Excel
