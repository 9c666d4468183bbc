## Импорт каталога и списков классов из таблицы (XLSX или CSV)

cmd-import = Загрузить таблицу (каталог, классы)
cmd-template = Шаблон таблицы для загрузки

btn-import = 📥 Загрузка из таблицы
btn-import-template = 📄 Шаблон
btn-import-codes = 🔑 Коды для входа

import-intro =
    <b>Загрузка из таблицы</b>
    Пришлите файл .xlsx или .csv документом. Листы: <code>courses</code> (курсы), <code>teachers</code> (педагоги), <code>groups</code> (группы), <code>slots</code> (расписание по дням недели), <code>students</code> (ученики классов; контакты родителей не загружаются). Что значит каждый столбец — в шаблоне, на листе <code>help</code>.
    Записи узнаются по кодам: повторная загрузка того же файла ничего не меняет, исправленный файл обновляет записи. Если в файле есть хоть одна ошибка, не меняется ничего, а бот перечислит все ошибки сразу.
    Перед записью бот покажет, что изменится и кто получит сообщение, — и запишет, только когда вы нажмёте «Импортировать». Строки-примеры из шаблона (коды <code>EXAMPLE-…</code>) не загружаются никогда.
    Импортированные педагоги и ученики входят в бот по одноразовым кодам — скачайте их кнопкой «Коды для входа» и раздайте.
import-send-document = Пришлите таблицу файлом (документом): .xlsx или .csv. Шаблон — /template
import-progress-reading = ⏳ Читаю файл…
import-progress-checked = ⏳ Проверено { $done } из { $total } { $total ->
        [one] строки
       *[other] строк
    }…
import-progress-saving = ⏳ Ошибок нет, сохраняю…
import-done = ✅ <b>Таблица загружена.</b>
import-done-line = { $kind }: новых { $created }, изменено { $updated }, без изменений { $unchanged }
import-nothing-changed = ✅ Таблица проверена: всё уже так, <b>ничего не изменилось</b>.
import-done-lessons = Запланировано занятий: { $count }
import-done-dropped = Снято с прежнего времени занятий: { $count }
import-done-notified = Об изменении расписания сообщено { $count } { $count ->
        [one] человеку
       *[other] людям
    }.
import-refused = ❌ <b>Файл не загружен</b>, ничего не изменено: { $count ->
        [one] найдена { $count } ошибка
        [few] найдено { $count } ошибки
       *[other] найдено { $count } ошибок
    }. Исправьте и пришлите файл снова.
import-preview = 🔎 <b>Файл проверен, ошибок нет.</b> Вот что изменит загрузка:
import-preview-line = { $kind }: новых { $created }, изменится { $updated }, без изменений { $unchanged }
import-preview-planned = 🗓 Будет запланировано { $count } { $count ->
        [one] занятие
        [few] занятия
       *[many] занятий
    } по новому расписанию.
import-preview-dropped = 🗓 Будет снято с прежнего времени { $count } { $count ->
        [one] занятие
        [few] занятия
       *[many] занятий
    } (прошедшие, отменённые, перенесённые и дополнительные занятия не меняются).
import-preview-told = 📨 Сообщение о новом расписании придёт { $who }.
import-preview-told-families = { $count ->
        [one] { $count } ученику или родителю
       *[other] { $count } ученикам и родителям
    }
import-preview-told-teachers = { $count ->
        [one] { $count } педагогу
       *[other] { $count } педагогам
    }
import-preview-told-both = { $families } и { $teachers }
import-preview-told-nobody = 📨 Сообщений об изменении расписания никто не получит.
import-preview-examples = ⏭ { $count ->
        [one] Пропущена { $count } строка-пример
        [few] Пропущены { $count } строки-примера
       *[many] Пропущено { $count } строк-примеров
    } ({ $where }): примеры не загружаются.
import-examples-sheet = { $sheet }: { $count ->
        [one] строка
       *[other] строки
    } { $rows }
import-preview-ask = Пока вы не нажмёте «Импортировать», ничего не записано.
import-outdated = ⚠️ Пока файл ждал подтверждения, данные в боте изменились, и загрузка изменит уже другое. Ничего не записано — посмотрите ещё раз.
import-cancelled = Загрузка отменена, ничего не изменено.
import-only-examples = ℹ️ <b>В файле только примеры</b>, а строки-примеры (с кодами <code>EXAMPLE-…</code>) не загружаются — ничего не изменено. Впишите свои данные вместо примеров или под ними и пришлите файл снова.
btn-import-confirm = ✅ Импортировать
import-problems-more = …и ещё { $count }. Все ошибки — в файле ниже.
import-problems-caption = Ваш файл с отмеченными ошибками: сначала список всех ошибок, затем ваши листы — строки с ошибками выделены красным, что не так — в последнем столбце.
import-template-caption = Шаблон для загрузки: по листу на каждый вид записей, в каждом — строка-пример с кодом EXAMPLE-… (она не загружается: впишите свои данные вместо неё или ниже). Пояснения к столбцам — на листе help.
import-codes-caption = Коды для входа: { $count } { $count ->
        [one] человек
        [few] человека
       *[many] человек
    }. Каждый код одноразовый; человек отправляет боту команду из таблицы или открывает ссылку.
import-codes-none = Все импортированные педагоги и ученики уже вошли в бот — раздавать нечего.

import-kind-courses = Курсы
import-kind-teachers = Педагоги
import-kind-groups = Группы
import-kind-slots = Время занятий
import-kind-students = Ученики

## Ошибки файла целиком

import-error-file-too-big = Файл слишком большой: не больше { $mb } МБ.
import-error-old-format = Это файл старого формата. Сохраните его как .xlsx (Книга Excel) или .csv и пришлите снова.
import-error-not-spreadsheet = Это не таблица. Пришлите файл .xlsx или .csv.
import-error-empty-file = Файл пустой.
import-error-damaged = Файл повреждён: его не удаётся прочитать как таблицу. Сохраните его заново и пришлите снова.
import-error-hostile = Файл отклонён: внутри он распаковывается в слишком большой объём. Сохраните таблицу заново обычным способом.
import-error-too-many-rows = Слишком много строк: не больше { $max } в одном файле. Разделите его на несколько.
import-error-too-many-columns = Слишком много столбцов: не больше { $max }.
import-error-file-gone = Файл больше не удаётся скачать. Пришлите его снова.
import-error-no-rows = В файле нет строк с данными (первая строка — заголовки столбцов).

## Ошибки в ячейках и строках

import-problem-at = { $sheet }, строка { $row }, { $column }: { $problem }
import-problem-at-sheet = { $sheet }: { $problem }
import-problem-with-value = { $problem } (указано «{ $value }»)
import-problem-code = код — от 1 до 32 латинских букв, цифр, точек, дефисов и подчёркиваний
import-problem-number = нужно целое число
import-problem-range = число должно быть от { $low } до { $high }
import-problem-date = дата не распознана: нужно ГГГГ-ММ-ДД или ДД.ММ.ГГГГ
import-problem-time = время не распознано: нужно ЧЧ:ММ, например 15:30
import-problem-weekday = день недели — число от 1 (понедельник) до 7 или название (пн, вторник…)
import-problem-yes-no = нужно «да» или «нет»
import-problem-choice = допустимые значения: { $allowed }
import-problem-too-long = слишком длинно: не больше { $max } символов
import-problem-name = нужно имя буквами
import-problem-empty = ячейка не заполнена
import-problem-grades = последний класс меньше первого
import-problem-end-before-start = конец раньше начала
import-problem-min-size = минимум для запуска больше числа мест
import-problem-date-no-year = дата не указана, а учебный год не задан: укажите дату или задайте учебный год в /admin
import-problem-sheet-unknown = неизвестный лист «{ $name }»: листы называются courses, teachers, groups, slots, students
import-problem-sheet-twice = второй лист того же вида ({ $kind })
import-problem-column-unnamed = у столбца с данными нет заголовка
import-problem-column-unknown = неизвестный столбец; допустимые: { $allowed }
import-problem-column-twice = столбец повторяется
import-problem-column-missing = нет обязательного столбца
import-problem-no-sheets = не найдено ни одного листа для загрузки; нужны листы: { $allowed }
import-problem-org-unknown = такой организации в сети нет
import-problem-org-not-yours = загружать можно только в свою организацию
import-problem-duplicate = код повторяется (впервые — в строке { $first })
import-problem-code-other-org = этот код уже занят записью другой организации
import-problem-code-taken = этот код уже у другого человека или другой организации
import-problem-course-unknown = курса с таким кодом нет ни в файле, ни в вашей организации
import-problem-teacher-unknown = педагога с таким кодом нет ни в файле, ни в вашей организации
import-problem-capacity = мест меньше, чем уже зачислено ({ $enrolled })
import-problem-group-unknown = группы с таким кодом нет ни в файле, ни в каталоге
import-problem-no-slots = у новой группы нет ни одной строки на листе slots
import-problem-example-reference = это код строки-примера, а примеры не загружаются: укажите код своей записи

## Шаблон: пояснения к столбцам

import-template-intro =
    Шаблон для загрузки каталога и списков классов.
    Заполните нужные листы (ненужные можно удалить) и пришлите файл боту документом после команды /import.
    Серые строки с кодами EXAMPLE-… — примеры: они не загружаются никогда. Впишите свои данные поверх примера (со своим кодом) или ниже него; оставленный пример просто пропускается.
    Перед записью бот покажет, что изменится, и запишет только после кнопки «Импортировать».
    Заголовки столбцов не переводятся и не меняются. Первая строка листа — заголовки; пустые строки пропускаются.
    Записи узнаются по кодам: тот же файл второй раз ничего не меняет, строки, которых нет в файле, не удаляются.
    Если в файле есть ошибка, не меняется ничего; бот перечислит все ошибки с номерами строк.
import-template-col-sheet = Лист
import-template-col-column = Столбец
import-template-col-required = Обязательный
import-template-col-meaning = Что писать
import-template-yes = да
import-template-no = нет
import-template-directions = Направления (столбец direction):
import-template-formats = Форматы (столбец format):

import-help-org = Код организации в сети (например, sosh5). Координатор загружает только в свою организацию.
import-help-course-code = Постоянный код курса, латиницей (например, ART-01). По нему курс находится при следующей загрузке.
import-help-title = Название курса, до 200 символов.
import-help-description = Описание курса, до 2000 символов.
import-help-direction = Направление: одно из значений в списке ниже.
import-help-format = Формат: in_person (очно), online, blended (смешанный).
import-help-grade-min = С какого класса (1–11).
import-help-grade-max = По какой класс (1–11), не меньше первого.
import-help-hours = Часов в программе, целое число.
import-help-paid = Платный ли курс: да или нет (пусто — нет).
import-help-person-code = Постоянный код человека в вашей школе (табельный номер, номер в списке), латиницей. По нему человек находится при следующей загрузке.
import-help-teacher-name = ФИО педагога.
import-help-group-code = Постоянный код группы, латиницей (например, ART-01-A).
import-help-group-course = Код курса группы — с листа courses или уже загруженного курса вашей организации.
import-help-group-teacher = Код педагога — с листа teachers или уже загруженного педагога вашей организации (пусто — без педагога).
import-help-place = Место занятий: адрес, кабинет.
import-help-capacity = Число мест в группе.
import-help-min-size = Минимум учеников для запуска (пусто — минимум сети, обычно 10).
import-help-start-date = Дата начала: ГГГГ-ММ-ДД или ДД.ММ.ГГГГ (пусто — у новой группы начало учебного года, у существующей прежняя).
import-help-end-date = Дата окончания: не раньше начала (пусто — у новой группы конец учебного года, у существующей прежняя).
import-help-slot-group = Код группы — с листа groups или уже загруженной группы. Строки группы на этом листе заменяют всё её прежнее расписание.
import-help-weekday = День недели: 1 — понедельник … 7 — воскресенье, или название (пн, вт…).
import-help-start = Начало занятия по местному времени организации, ЧЧ:ММ.
import-help-end = Конец занятия, ЧЧ:ММ.
import-help-student-name = ФИО ученика. Контакты родителей сюда не вносятся: родители подключаются сами по коду ребёнка.
import-help-grade = Класс (1–11).

import-problems-sheet = Ошибки
import-problems-col-row = Строка
import-problems-col-value = Значение
import-problems-col-problem = Что не так

import-codes-sheet = Коды для входа
import-codes-col-org = Организация
import-codes-col-role = Роль
import-codes-col-name = ФИО
import-codes-col-grade = Класс
import-codes-col-join = Команда для бота
import-codes-col-link = Ссылка
import-codes-col-expires = Действует до

notify-group-timetable-changed =
    🗓 <b>Изменилось расписание</b>{ $reader ->
        [parent] { $child_gender ->
            [unknown] {" "}— { $child }
           *[other] {" "}у { $child_gen }
        }
       *[other] {""}
    }: { $course } ({ $group }).
    Ближайшее занятие: { $next }, место: { $place }. Всё расписание — /schedule
error-import-staff-only = Загружать таблицы могут только координаторы и администратор сети.
error-join-other-school = Этот код — для ученика другой школы, а вы уже зарегистрированы учеником. Обратитесь к координатору.
error-join-other-person = Этот код выдан другому человеку. Обратитесь к координатору.
audit-import-applied = загружена таблица
