## Каталог и подача заявления

cat-title = { $count ->
    [0] <b>Каталог</b> · { $grade } класс: ничего не найдено.
    [one] <b>Каталог</b> · { $grade } класс: { $count } курс
    [few] <b>Каталог</b> · { $grade } класс: { $count } курса
   *[many] <b>Каталог</b> · { $grade } класс: { $count } курсов
}
cat-empty = Попробуйте другой фильтр или сбросьте фильтры.
cat-any-dir = любое
cat-any-org = любая
cat-any-day = любой
cat-any-fmt = любой
cat-filter-direction = Направление: { $value }
cat-filter-org = Школа: { $value }
cat-filter-day = День: { $value }
cat-filter-format = Формат: { $value }
cat-btn-direction = 🧭 Направление
cat-btn-org = 🏫 Школа
cat-btn-day = 📅 День
cat-btn-format = 💻 Формат
cat-btn-reset = ♻️ Сбросить фильтры
cat-choose-dir = Выберите направление:
cat-choose-org = Выберите школу, которая ведёт курс:
cat-choose-day = Выберите день недели:
cat-choose-fmt = Выберите формат:
cat-paid = платно
cat-free = бесплатно
cat-course =
    <b>{ $title }</b>
    { $provider }, { $address }
    { $direction } · { $format } · { $grade_min }–{ $grade_max } класс · { $hours ->
        [one] { $hours } час
        [few] { $hours } часа
       *[many] { $hours } часов
    } · { $paid }

    { $description }
cat-group =
    <b>Группа { $code }</b>: { $slots }
    Педагог: { $teacher } · { $place }
    С { $start } по { $end }
    { $seats ->
        [0] Мест нет (лист ожидания)
        [one] Осталось { $seats } место из { $capacity }
        [few] Осталось { $seats } места из { $capacity }
       *[many] Осталось { $seats } мест из { $capacity }
    } · { $ready ->
        [yes] группа набрана
       *[no] записано { $enrolled } из { $minimum } для запуска
    }
cat-no-groups = Открытых групп сейчас нет.
cat-btn-apply = ✍️ Записаться в { $code }
cat-btn-mine = 📄 { $code }: { $state }

apply-ask = Подать заявление на курс <b>{ $course }</b>, группа { $code }?
apply-full = ⚠️ В группе нет мест: если школа одобрит заявление, вы попадёте в лист ожидания и получите первое освободившееся место.
apply-how = Сначала заявление подтверждает родитель, затем его одобряет координатор вашей школы. О каждом шаге вам сообщат.
apply-btn-confirm = ✅ Да, подать
apply-done = ✅ Заявление отправлено.
apply-parent-told = Родителя попросили его подтвердить.
apply-no-parent = Родитель ещё не привязан: привяжите его, чтобы он смог подтвердить заявление.

direction-math = Математика
direction-science = Естественные науки
direction-it = Информатика
direction-languages = Языки
direction-humanities = Гуманитарные науки
direction-art = Изобразительное искусство
direction-music = Музыка
direction-dance = Хореография
direction-sport = Спорт
direction-technology = Технология

format-in_person = очно
format-online = онлайн
format-blended = смешанный
