"""Every text of the portal's own pages, in the five languages a citizen may choose
(`voorportaal_contracts.types.CitizenLanguage`), and `tr` to show one in the session's language.

Plain language (B1): short sentences, "u" in Dutch, no codes. The content (questions, help,
checklist items) is not here: it comes from the intake in the same five languages.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final, cast

import reflex as rx

from voorportaal_contracts.types import RIGHT_TO_LEFT, CitizenLanguage

LANGUAGES: Final = tuple(language.value for language in CitizenLanguage)
"""The languages in the order the picker shows them."""

DEFAULT_LANGUAGE: Final = CitizenLanguage.NL.value

LANGUAGE_NAMES: Final[dict[str, str]] = {
    "nl": "Nederlands",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "pl": "Polski",
}
"""Each language named in itself, as the picker shows it."""


def direction(language: str) -> str:
    """`rtl` for a language written right to left, else `ltr`."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def known_language(code: str | None) -> str:
    """`code` when the portal speaks it, else Dutch."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


TEXTS: Final[dict[str, dict[str, str]]] = {
    # The frame around every page.
    "site_name": {
        "nl": "Voorportaal",
        "en": "Voorportaal",
        "tr": "Voorportaal",
        "ar": "Voorportaal",
        "pl": "Voorportaal",
    },
    "site_tagline": {
        "nl": "Eén loket als er veel tegelijk verandert",
        "en": "One front door when a lot changes at once",
        "tr": "Aynı anda çok şey değiştiğinde tek başvuru noktası",
        "ar": "باب واحد عندما يتغير الكثير في وقت واحد",
        "pl": "Jedno okienko, gdy wiele zmienia się naraz",
    },
    "skip": {
        "nl": "Naar de inhoud",
        "en": "Skip to content",
        "tr": "İçeriğe geç",
        "ar": "الانتقال إلى المحتوى",
        "pl": "Przejdź do treści",
    },
    "language_label": {
        "nl": "Taal",
        "en": "Language",
        "tr": "Dil",
        "ar": "اللغة",
        "pl": "Język",
    },
    "talk_link": {
        "nl": "Ik wil iemand spreken",
        "en": "I want to talk to a person",
        "tr": "Biriyle konuşmak istiyorum",
        "ar": "أريد التحدث مع شخص",
        "pl": "Chcę porozmawiać z człowiekiem",
    },
    "nav_label": {
        "nl": "Hulp en taal",
        "en": "Help and language",
        "tr": "Yardım ve dil",
        "ar": "المساعدة واللغة",
        "pl": "Pomoc i język",
    },
    "home_link": {
        "nl": "Naar de startpagina",
        "en": "To the start page",
        "tr": "Başlangıç sayfasına",
        "ar": "إلى صفحة البداية",
        "pl": "Do strony startowej",
    },
    "loading": {
        "nl": "Even geduld …",
        "en": "One moment …",
        "tr": "Lütfen bekleyin …",
        "ar": "لحظة من فضلكم …",
        "pl": "Chwileczkę …",
    },
    # Start page.
    "home_title": {
        "nl": "Regel wat er verandert in uw leven",
        "en": "Arrange what changes in your life",
        "tr": "Hayatınızda değişenleri düzenleyin",
        "ar": "رتّبوا ما يتغير في حياتكم",
        "pl": "Zmiany w życiu: co trzeba załatwić",
    },
    "home_intro": {
        "nl": (
            "Gebeurt er veel tegelijk? Vertel ons wat er is gebeurd. U krijgt dan een lijst "
            "van wat u moet regelen, bij welke instantie en vóór welke datum."
        ),
        "en": (
            "Is a lot happening at once? Tell us what happened. You then get a list of what "
            "to arrange, with which organisation and by which date."
        ),
        "tr": (
            "Aynı anda çok şey mi oluyor? Bize ne olduğunu anlatın. Size neyi, hangi kurumda "
            "ve hangi tarihe kadar yapmanız gerektiğini gösteren bir liste veriyoruz."
        ),
        "ar": (
            "هل يحدث الكثير في وقت واحد؟ أخبرونا بما حدث. ستحصلون بعد ذلك على قائمة بما يجب عليكم ترتيبه، ولدى أي جهة، وقبل أي تاريخ."
        ),
        "pl": (
            "Dzieje się wiele naraz? Prosimy opisać, co się stało. Potem pojawi się lista tego, co trzeba załatwić, w jakiej instytucji i do kiedy."
        ),
    },
    "home_time": {
        "nl": "Dit duurt ongeveer 10 minuten. U kunt stoppen en later verder gaan.",
        "en": "This takes about 10 minutes. You can stop and continue later.",
        "tr": "Bu yaklaşık 10 dakika sürer. Durup daha sonra devam edebilirsiniz.",
        "ar": "يستغرق هذا حوالي 10 دقائق. يمكنكم التوقف والمتابعة لاحقًا.",
        "pl": "To zajmie około 10 minut. Można przerwać i dokończyć później.",
    },
    "home_need": {
        "nl": "U hebt geen papieren nodig. Weet u iets niet? Dan kunt u vaak verder zonder "
        "antwoord.",
        "en": "You do not need any papers. Don't know something? You can often go on without.",
        "tr": "Hiçbir belgeye ihtiyacınız yok. Bir şeyi bilmiyor musunuz? Çoğu zaman cevapsız "
        "devam edebilirsiniz.",
        "ar": "لا تحتاجون إلى أي أوراق. هل لا تعرفون شيئًا ما؟ يمكنكم غالبًا المتابعة دون إجابة.",
        "pl": "Nie są potrzebne żadne dokumenty. Czegoś nie wiadomo? Często można przejść dalej bez odpowiedzi.",
    },
    "choose_legend": {
        "nl": "Wat is er gebeurd? Kies één of meer.",
        "en": "What happened? Choose one or more.",
        "tr": "Ne oldu? Bir veya daha fazlasını seçin.",
        "ar": "ماذا حدث؟ اختاروا واحدًا أو أكثر.",
        "pl": "Co się stało? Proszę wybrać jedną lub więcej odpowiedzi.",
    },
    "choose_error": {
        "nl": "Kies minstens één gebeurtenis.",
        "en": "Choose at least one event.",
        "tr": "En az bir olay seçin.",
        "ar": "اختاروا حدثًا واحدًا على الأقل.",
        "pl": "Proszę wybrać co najmniej jedno wydarzenie.",
    },
    "start": {
        "nl": "Begin",
        "en": "Start",
        "tr": "Başla",
        "ar": "البدء",
        "pl": "Zacznij",
    },
    "intake_unreachable": {
        "nl": "Dit lukt nu niet. Probeer het later opnieuw, of kies 'Ik wil iemand spreken'.",
        "en": "This does not work right now. Try again later, or choose 'I want to talk to a "
        "person'.",
        "tr": "Bu şu anda çalışmıyor. Daha sonra tekrar deneyin veya 'Biriyle konuşmak istiyorum' seçeneğini seçin.",
        "ar": "هذا لا يعمل الآن. حاولوا مرة أخرى لاحقًا، أو اختاروا «أريد التحدث مع شخص».",
        "pl": "To teraz nie działa. Prosimy spróbować ponownie później albo wybrać „Chcę porozmawiać z człowiekiem”.",
    },
    "too_busy": {
        "nl": "Het is nu erg druk. Probeer het over een paar minuten opnieuw.",
        "en": "It is very busy right now. Try again in a few minutes.",
        "tr": "Şu anda çok yoğun. Birkaç dakika sonra tekrar deneyin.",
        "ar": "الضغط كبير الآن. حاولوا مرة أخرى بعد بضع دقائق.",
        "pl": "Jest teraz bardzo dużo zgłoszeń. Prosimy spróbować ponownie za kilka minut.",
    },
    # The questionnaire.
    "progress": {
        "nl": "Beantwoorde vragen:",
        "en": "Questions answered:",
        "tr": "Cevaplanan sorular:",
        "ar": "الأسئلة التي تمت الإجابة عنها:",
        "pl": "Pytania z odpowiedzią:",
    },
    "about": {
        "nl": "Over:",
        "en": "About:",
        "tr": "Konu:",
        "ar": "حول:",
        "pl": "Dotyczy:",
    },
    "step_profile": {
        "nl": "Uw situatie",
        "en": "Your situation",
        "tr": "Durumunuz",
        "ar": "وضعكم",
        "pl": "Pana/Pani sytuacja",
    },
    "yes": {"nl": "Ja", "en": "Yes", "tr": "Evet", "ar": "نعم", "pl": "Tak"},
    "no": {"nl": "Nee", "en": "No", "tr": "Hayır", "ar": "لا", "pl": "Nie"},
    "next": {
        "nl": "Volgende",
        "en": "Next",
        "tr": "İleri",
        "ar": "التالي",
        "pl": "Dalej",
    },
    "back": {
        "nl": "Vorige vraag",
        "en": "Previous question",
        "tr": "Önceki soru",
        "ar": "السؤال السابق",
        "pl": "Poprzednie pytanie",
    },
    "skip_question": {
        "nl": "Sla deze vraag over",
        "en": "Skip this question",
        "tr": "Bu soruyu atla",
        "ar": "تخطي هذا السؤال",
        "pl": "Pomiń to pytanie",
    },
    "optional": {
        "nl": "Deze vraag hoeft u niet te beantwoorden.",
        "en": "You do not have to answer this question.",
        "tr": "Bu soruyu cevaplamak zorunda değilsiniz.",
        "ar": "لستم مضطرين إلى الإجابة عن هذا السؤال.",
        "pl": "Na to pytanie nie trzeba odpowiadać.",
    },
    "multi_hint": {
        "nl": "Kies alles wat past.",
        "en": "Choose everything that applies.",
        "tr": "Uygun olanların hepsini seçin.",
        "ar": "اختاروا كل ما ينطبق.",
        "pl": "Proszę wybrać wszystko, co pasuje.",
    },
    "date_hint": {
        "nl": "Kies de datum in de kalender of typ hem in.",
        "en": "Pick the date in the calendar or type it in.",
        "tr": "Tarihi takvimden seçin veya yazın.",
        "ar": "اختاروا التاريخ من التقويم أو اكتبوه.",
        "pl": "Proszę wybrać datę w kalendarzu lub ją wpisać.",
    },
    "number_hint": {
        "nl": "Alleen cijfers.",
        "en": "Digits only.",
        "tr": "Yalnızca rakam.",
        "ar": "أرقام فقط.",
        "pl": "Tylko cyfry.",
    },
    "own_words_note": {
        "nl": (
            "Wat u hier schrijft, gaat alleen naar de instanties die uw verhaal mogen zien "
            "(dat kiest u straks zelf). Zo hoeft u het niet steeds opnieuw te vertellen. "
            "Schrijf alleen wat u wilt delen."
        ),
        "en": (
            "What you write here goes only to the organisations allowed to see your story "
            "(you choose them in a moment). That way you do not have to tell it again and "
            "again. Write only what you want to share."
        ),
        "tr": (
            "Buraya yazdıklarınız yalnızca hikâyenizi görmesine izin verdiğiniz kurumlara "
            "gider (bunları birazdan kendiniz seçersiniz). Böylece her şeyi tekrar tekrar "
            "anlatmanız gerekmez. Yalnızca paylaşmak istediklerinizi yazın."
        ),
        "ar": (
            "ما تكتبونه هنا يذهب فقط إلى الجهات المسموح لها برؤية قصتكم (ستختارونها بأنفسكم بعد قليل). بهذا لا تحتاجون إلى إعادة سردها مرارًا. اكتبوا فقط ما تريدون مشاركته."
        ),
        "pl": (
            "To, co zostanie tu napisane, trafi tylko do instytucji, które mogą zobaczyć tę historię (wybór instytucji za chwilę). Dzięki temu nie trzeba jej opowiadać wiele razy. Prosimy napisać tylko to, czym chce się Pan/Pani podzielić."
        ),
    },
    "error_summary": {
        "nl": "Er is een probleem",
        "en": "There is a problem",
        "tr": "Bir sorun var",
        "ar": "هناك مشكلة",
        "pl": "Wystąpił problem",
    },
    "error_required": {
        "nl": "Geef een antwoord op deze vraag.",
        "en": "Answer this question.",
        "tr": "Bu soruyu cevaplayın.",
        "ar": "أجيبوا عن هذا السؤال.",
        "pl": "Proszę odpowiedzieć na to pytanie.",
    },
    "error_invalid": {
        "nl": "Dit antwoord klopt niet. Kijk het na en probeer het opnieuw.",
        "en": "This answer is not right. Check it and try again.",
        "tr": "Bu cevap doğru değil. Kontrol edip tekrar deneyin.",
        "ar": "هذه الإجابة غير صحيحة. تحققوا منها وحاولوا مرة أخرى.",
        "pl": "Ta odpowiedź jest nieprawidłowa. Proszę ją sprawdzić i spróbować ponownie.",
    },
    "error_number": {
        "nl": "Vul een getal in.",
        "en": "Enter a number.",
        "tr": "Bir sayı girin.",
        "ar": "أدخلوا رقمًا.",
        "pl": "Proszę wpisać liczbę.",
    },
    "error_range": {
        "nl": "Vul een getal in van {minimum} tot en met {maximum}.",
        "en": "Enter a number from {minimum} to {maximum}.",
        "tr": "{minimum} ile {maximum} arasında bir sayı girin.",
        "ar": "أدخلوا رقمًا من {minimum} إلى {maximum}.",
        "pl": "Proszę wpisać liczbę od {minimum} do {maximum}.",
    },
    "error_minimum": {
        "nl": "Vul een getal in van {minimum} of meer.",
        "en": "Enter a number of {minimum} or more.",
        "tr": "{minimum} veya daha büyük bir sayı girin.",
        "ar": "أدخلوا رقمًا يساوي {minimum} أو أكثر.",
        "pl": "Proszę wpisać liczbę równą {minimum} lub większą.",
    },
    # Leave and continue later.
    "save_title": {
        "nl": "Later verder gaan",
        "en": "Continue later",
        "tr": "Daha sonra devam et",
        "ar": "المتابعة لاحقًا",
        "pl": "Dokończ później",
    },
    "save_intro": {
        "nl": (
            "Bewaar deze link, bijvoorbeeld in uw notities. Met de link gaat u later verder "
            "waar u was. Geef de link aan niemand: wie de link heeft, kan uw antwoorden zien."
        ),
        "en": (
            "Keep this link, for example in your notes. With it you continue later where you "
            "left off. Give it to nobody: whoever has the link can see your answers."
        ),
        "tr": (
            "Bu bağlantıyı saklayın, örneğin notlarınızda. Bağlantıyla daha sonra kaldığınız "
            "yerden devam edersiniz. Bağlantıyı kimseye vermeyin: bağlantıya sahip olan "
            "herkes cevaplarınızı görebilir."
        ),
        "ar": (
            "احتفظوا بهذا الرابط، مثلًا في ملاحظاتكم. بهذا الرابط تتابعون لاحقًا من حيث توقفتم. لا تعطوا الرابط لأحد: من يملك الرابط يمكنه رؤية إجاباتكم."
        ),
        "pl": (
            "Prosimy zachować ten link, na przykład w notatkach. Dzięki niemu można później wrócić do miejsca, w którym przerwano. Prosimy nikomu go nie dawać: kto ma link, widzi odpowiedzi."
        ),
    },
    "save_link_label": {
        "nl": "Uw link om verder te gaan",
        "en": "Your link to continue",
        "tr": "Devam etme bağlantınız",
        "ar": "رابطكم للمتابعة",
        "pl": "Link do kontynuacji",
    },
    "save_copy": {
        "nl": "Kopieer de link",
        "en": "Copy the link",
        "tr": "Bağlantıyı kopyala",
        "ar": "نسخ الرابط",
        "pl": "Skopiuj link",
    },
    "save_copied": {
        "nl": "De link is gekopieerd.",
        "en": "The link has been copied.",
        "tr": "Bağlantı kopyalandı.",
        "ar": "تم نسخ الرابط.",
        "pl": "Link został skopiowany.",
    },
    "save_show": {
        "nl": "Ik wil later verder gaan",
        "en": "I want to continue later",
        "tr": "Daha sonra devam etmek istiyorum",
        "ar": "أريد المتابعة لاحقًا",
        "pl": "Chcę dokończyć później",
    },
    "resume_title": {
        "nl": "Verder met uw aanvraag",
        "en": "Continue your request",
        "tr": "Başvurunuza devam edin",
        "ar": "متابعة طلبكم",
        "pl": "Dalszy ciąg zgłoszenia",
    },
    "resume_failed": {
        "nl": (
            "Deze link werkt niet (meer). Misschien is hij verlopen of niet helemaal "
            "gekopieerd. Begin opnieuw, of kies 'Ik wil iemand spreken'."
        ),
        "en": (
            "This link does not work (any more). It may have expired or not been copied "
            "completely. Start again, or choose 'I want to talk to a person'."
        ),
        "tr": (
            "Bu bağlantı artık çalışmıyor. Süresi dolmuş veya tam kopyalanmamış olabilir. Yeniden başlayın veya 'Biriyle konuşmak istiyorum' seçeneğini seçin."
        ),
        "ar": (
            "هذا الرابط لا يعمل (بعد الآن). ربما انتهت صلاحيته أو لم يُنسخ كاملًا. ابدأوا من جديد، أو اختاروا «أريد التحدث مع شخص»."
        ),
        "pl": (
            "Ten link nie działa (już). Mógł wygasnąć albo nie został skopiowany w całości. Prosimy zacząć od nowa albo wybrać „Chcę porozmawiać z człowiekiem”."
        ),
    },
    # Contact, sharing and the one-time code.
    "contact_title": {
        "nl": "Hoe houden we u op de hoogte?",
        "en": "How do we keep you informed?",
        "tr": "Sizi nasıl bilgilendirelim?",
        "ar": "كيف نبقيكم على اطلاع؟",
        "pl": "Jak mamy przekazywać informacje?",
    },
    "contact_intro": {
        "nl": (
            "Als er nieuws is over uw aanvraag, sturen we u een bericht. In dat bericht staan "
            "geen persoonlijke gegevens, alleen een link naar deze website."
        ),
        "en": (
            "When there is news about your request, we send you a message. It holds no "
            "personal details, only a link to this website."
        ),
        "tr": (
            "Başvurunuzla ilgili bir gelişme olduğunda size bir mesaj göndeririz. Mesajda "
            "kişisel bilgi yoktur, yalnızca bu web sitesine bir bağlantı vardır."
        ),
        "ar": (
            "عندما يكون هناك جديد بشأن طلبكم، نرسل إليكم رسالة. لا تحتوي الرسالة على بيانات شخصية، بل على رابط إلى هذا الموقع فقط."
        ),
        "pl": (
            "Gdy będą nowe informacje o zgłoszeniu, wyślemy wiadomość. Nie ma w niej danych osobowych, tylko link do tej strony."
        ),
    },
    "channels_legend": {
        "nl": "Hoe wilt u berichten krijgen?",
        "en": "How do you want to get messages?",
        "tr": "Mesajları nasıl almak istersiniz?",
        "ar": "كيف تريدون أن تصلكم الرسائل؟",
        "pl": "Jak chce Pan/Pani otrzymywać wiadomości?",
    },
    "channel_email": {
        "nl": "Per e-mail",
        "en": "By e-mail",
        "tr": "E-posta ile",
        "ar": "بالبريد الإلكتروني",
        "pl": "E-mailem",
    },
    "channel_sms": {
        "nl": "Per sms",
        "en": "By text message (SMS)",
        "tr": "SMS ile",
        "ar": "برسالة نصية (SMS)",
        "pl": "SMS-em",
    },
    "email_label": {
        "nl": "Uw e-mailadres",
        "en": "Your e-mail address",
        "tr": "E-posta adresiniz",
        "ar": "بريدكم الإلكتروني",
        "pl": "Adres e-mail",
    },
    "phone_label": {
        "nl": "Uw mobiele nummer",
        "en": "Your mobile number",
        "tr": "Cep telefonu numaranız",
        "ar": "رقم هاتفكم المحمول",
        "pl": "Numer telefonu komórkowego",
    },
    "phone_hint": {
        "nl": "Bijvoorbeeld 06 12345678 of +48 601 234 567",
        "en": "For example 06 12345678 or +48 601 234 567",
        "tr": "Örneğin 06 12345678 veya +90 532 123 45 67",
        "ar": "على سبيل المثال 06 12345678 أو +48 601 234 567",
        "pl": "Na przykład 06 12345678 lub +48 601 234 567",
    },
    "error_email_missing": {
        "nl": "Vul uw e-mailadres in, of kies niet voor e-mail.",
        "en": "Enter your e-mail address, or do not choose e-mail.",
        "tr": "E-posta adresinizi yazın veya e-postayı seçmeyin.",
        "ar": "أدخلوا بريدكم الإلكتروني، أو لا تختاروا البريد الإلكتروني.",
        "pl": "Proszę wpisać adres e-mail albo nie wybierać e-maila.",
    },
    "error_phone_missing": {
        "nl": "Vul uw mobiele nummer in, of kies niet voor sms.",
        "en": "Enter your mobile number, or do not choose SMS.",
        "tr": "Cep telefonu numaranızı yazın veya SMS'i seçmeyin.",
        "ar": "أدخلوا رقم هاتفكم المحمول، أو لا تختاروا الرسائل النصية.",
        "pl": "Proszę wpisać numer komórkowy albo nie wybierać SMS-a.",
    },
    "share_legend": {
        "nl": "Welke instanties mogen uw antwoorden zien?",
        "en": "Which organisations may see your answers?",
        "tr": "Hangi kurumlar cevaplarınızı görebilir?",
        "ar": "ما الجهات التي يمكنها رؤية إجاباتكم؟",
        "pl": "Które instytucje mogą zobaczyć Pana/Pani odpowiedzi?",
    },
    "share_intro": {
        "nl": (
            "Een instantie die u aanvinkt, krijgt uw antwoorden en wat u in uw eigen woorden "
            "vertelde. Dan hoeft u uw verhaal niet opnieuw te vertellen. Een instantie die u "
            "niet aanvinkt, krijgt niets van ons: die neemt u zelf in contact. U kunt dit "
            "later veranderen."
        ),
        "en": (
            "An organisation you tick gets your answers and what you told in your own words, "
            "so you do not have to tell your story again. An organisation you do not tick "
            "gets nothing from us: you contact it yourself. You can change this later."
        ),
        "tr": (
            "İşaretlediğiniz kurum cevaplarınızı ve kendi sözlerinizle anlattıklarınızı alır. "
            "Böylece hikâyenizi yeniden anlatmanız gerekmez. İşaretlemediğiniz kurum bizden "
            "hiçbir şey almaz: onunla kendiniz iletişime geçersiniz. Bunu daha sonra "
            "değiştirebilirsiniz."
        ),
        "ar": (
            "الجهة التي تختارونها تحصل على إجاباتكم وعلى ما رويتموه بكلماتكم، فلا تحتاجون إلى إعادة سرد قصتكم. الجهة التي لا تختارونها لا تحصل منا على شيء: تتواصلون معها أنتم بأنفسكم. يمكنكم تغيير ذلك لاحقًا."
        ),
        "pl": (
            "Instytucja, która zostanie zaznaczona, dostanie odpowiedzi i to, co zostało opisane własnymi słowami. Wtedy nie trzeba opowiadać wszystkiego od nowa. Instytucja, która nie zostanie zaznaczona, nic od nas nie dostanie: z nią trzeba skontaktować się samodzielnie. Można to później zmienić."
        ),
    },
    "contact_save": {
        "nl": "Opslaan en verder",
        "en": "Save and continue",
        "tr": "Kaydet ve devam et",
        "ar": "الحفظ والمتابعة",
        "pl": "Zapisz i dalej",
    },
    "no_messages": {
        "nl": "Ik wil geen berichten",
        "en": "I do not want messages",
        "tr": "Mesaj istemiyorum",
        "ar": "لا أريد رسائل",
        "pl": "Nie chcę wiadomości",
    },
    "no_messages_hint": {
        "nl": (
            "Zonder bevestigd e-mailadres of mobiel nummer sturen we uw aanvraag niet door "
            "naar instanties. U krijgt wel uw takenlijst, en u kunt altijd iemand spreken."
        ),
        "en": (
            "Without a confirmed e-mail address or mobile number we do not pass your request "
            "on to organisations. You do get your task list, and you can always talk to a "
            "person."
        ),
        "tr": (
            "Onaylanmış bir e-posta adresi veya cep telefonu numarası olmadan başvurunuzu "
            "kurumlara iletmeyiz. Yine de görev listenizi alırsınız ve her zaman biriyle "
            "konuşabilirsiniz."
        ),
        "ar": (
            "بدون بريد إلكتروني أو رقم هاتف مؤكد لا نرسل طلبكم إلى الجهات. لكنكم تحصلون على قائمة مهامكم، ويمكنكم دائمًا التحدث مع شخص."
        ),
        "pl": (
            "Bez potwierdzonego adresu e-mail lub numeru komórkowego nie przekażemy zgłoszenia instytucjom. Lista zadań będzie jednak dostępna i zawsze można porozmawiać z człowiekiem."
        ),
    },
    "code_title": {
        "nl": "Vul de code in",
        "en": "Enter the code",
        "tr": "Kodu girin",
        "ar": "أدخلوا الرمز",
        "pl": "Wpisz kod",
    },
    "code_intro": {
        "nl": (
            "We hebben u een code van 6 cijfers gestuurd. Zo weten we zeker dat het adres van "
            "u is. Het kan een paar minuten duren voor de code er is."
        ),
        "en": (
            "We sent you a code of 6 digits, so we know the address is yours. It can take a "
            "few minutes to arrive."
        ),
        "tr": (
            "Size 6 haneli bir kod gönderdik. Böylece adresin size ait olduğundan emin oluruz. "
            "Kodun gelmesi birkaç dakika sürebilir."
        ),
        "ar": (
            "أرسلنا إليكم رمزًا من 6 أرقام، لنتأكد من أن العنوان لكم. قد يستغرق وصوله بضع دقائق."
        ),
        "pl": (
            "Wysłaliśmy 6-cyfrowy kod. Dzięki temu wiemy, że adres należy do Pana/Pani. Kod może dotrzeć dopiero po kilku minutach."
        ),
    },
    "code_label": {
        "nl": "Code",
        "en": "Code",
        "tr": "Kod",
        "ar": "الرمز",
        "pl": "Kod",
    },
    "code_verify": {
        "nl": "Code controleren",
        "en": "Check the code",
        "tr": "Kodu kontrol et",
        "ar": "التحقق من الرمز",
        "pl": "Sprawdź kod",
    },
    "code_resend": {
        "nl": "Stuur mij een nieuwe code",
        "en": "Send me a new code",
        "tr": "Bana yeni bir kod gönderin",
        "ar": "إرسال رمز جديد",
        "pl": "Wyślij mi nowy kod",
    },
    "code_resent": {
        "nl": "We hebben een nieuwe code gestuurd.",
        "en": "We sent a new code.",
        "tr": "Yeni bir kod gönderdik.",
        "ar": "أرسلنا رمزًا جديدًا.",
        "pl": "Wysłaliśmy nowy kod.",
    },
    "code_wrong": {
        "nl": "Deze code klopt niet of is verlopen. Kijk de code na of vraag een nieuwe.",
        "en": "This code is not right or has expired. Check it or ask for a new one.",
        "tr": "Bu kod doğru değil veya süresi dolmuş. Kontrol edin veya yeni bir kod isteyin.",
        "ar": "هذا الرمز غير صحيح أو انتهت صلاحيته. تحققوا منه أو اطلبوا رمزًا جديدًا.",
        "pl": "Ten kod jest nieprawidłowy lub wygasł. Proszę go sprawdzić albo poprosić o nowy.",
    },
    "code_ok": {
        "nl": "Uw adres is bevestigd.",
        "en": "Your address is confirmed.",
        "tr": "Adresiniz onaylandı.",
        "ar": "تم تأكيد عنوانكم.",
        "pl": "Adres został potwierdzony.",
    },
    "code_later": {
        "nl": "Ik heb geen code gekregen, ga toch verder",
        "en": "I did not get a code, continue anyway",
        "tr": "Kod almadım, yine de devam et",
        "ar": "لم يصلني رمز، أريد المتابعة على أي حال",
        "pl": "Nie dostałem/dostałam kodu, mimo to chcę przejść dalej",
    },
    "send_title": {
        "nl": "Klaar om te versturen",
        "en": "Ready to send",
        "tr": "Göndermeye hazır",
        "ar": "جاهز للإرسال",
        "pl": "Gotowe do wysłania",
    },
    "send_intro": {
        "nl": (
            "Na het versturen ziet u meteen uw takenlijst: wat u moet regelen, bij wie en "
            "vóór welke datum."
        ),
        "en": (
            "After sending you see your task list straight away: what to arrange, with whom "
            "and by which date."
        ),
        "tr": (
            "Gönderdikten hemen sonra görev listenizi görürsünüz: neyi, kimde ve hangi tarihe "
            "kadar yapmanız gerektiği."
        ),
        "ar": "بعد الإرسال ترون قائمة مهامكم فورًا: ما يجب ترتيبه، ولدى من، وقبل أي تاريخ.",
        "pl": ("Po wysłaniu od razu pojawi się lista zadań: co załatwić, gdzie i do kiedy."),
    },
    "send_button": {
        "nl": "Versturen",
        "en": "Send",
        "tr": "Gönder",
        "ar": "إرسال",
        "pl": "Wyślij",
    },
    "change_answers": {
        "nl": "Antwoorden veranderen",
        "en": "Change answers",
        "tr": "Cevapları değiştir",
        "ar": "تغيير الإجابات",
        "pl": "Zmień odpowiedzi",
    },
    # The checklist+ after submitting.
    "checklist_title": {
        "nl": "Uw takenlijst",
        "en": "Your task list",
        "tr": "Görev listeniz",
        "ar": "قائمة مهامكم",
        "pl": "Lista zadań",
    },
    "checklist_intro": {
        "nl": (
            "Dit moet u regelen, per instantie. Wat het eerst moet, staat bovenaan. Vink af "
            "wat u gedaan hebt."
        ),
        "en": (
            "This is what to arrange, per organisation. What comes first is at the top. "
            "Tick off what you have done."
        ),
        "tr": (
            "Yapmanız gerekenler kurum kurum burada. İlk yapılması gereken en üstte. "
            "Yaptıklarınızı işaretleyin."
        ),
        "ar": "هذا ما يجب عليكم ترتيبه، حسب الجهة. ما يجب فعله أولًا في الأعلى. ضعوا علامة على ما أنجزتموه.",
        "pl": (
            "To trzeba załatwić, według instytucji. Na górze jest to, co trzeba zrobić najpierw. Prosimy odhaczyć to, co już zostało zrobione."
        ),
    },
    "checklist_held": {
        "nl": (
            "Uw aanvraag is nog niet naar de instanties gegaan, omdat uw e-mailadres of "
            "mobiele nummer niet is bevestigd. Neem zelf contact op, of kies 'Ik wil iemand "
            "spreken'."
        ),
        "en": (
            "Your request has not gone to the organisations yet, because your e-mail address "
            "or mobile number is not confirmed. Contact them yourself, or choose 'I want to "
            "talk to a person'."
        ),
        "tr": (
            "E-posta adresiniz veya cep telefonu numaranız onaylanmadığı için başvurunuz henüz kurumlara gitmedi. Onlarla kendiniz iletişime geçin veya 'Biriyle konuşmak istiyorum' seçeneğini seçin."
        ),
        "ar": (
            "لم يُرسل طلبكم إلى الجهات بعد، لأن بريدكم الإلكتروني أو رقم هاتفكم غير مؤكد. تواصلوا معها بأنفسكم، أو اختاروا «أريد التحدث مع شخص»."
        ),
        "pl": (
            "Zgłoszenie nie trafiło jeszcze do instytucji, bo adres e-mail lub numer komórkowy nie jest potwierdzony. Prosimy skontaktować się z nimi samodzielnie albo wybrać „Chcę porozmawiać z człowiekiem”."
        ),
    },
    "by_when": {
        "nl": "Uiterlijk:",
        "en": "By:",
        "tr": "Son tarih:",
        "ar": "في موعد أقصاه:",
        "pl": "Najpóźniej:",
    },
    "no_deadline": {
        "nl": "Geen vaste datum, maar regel het zo snel als u kunt.",
        "en": "No fixed date, but arrange it as soon as you can.",
        "tr": "Belirli bir tarih yok, ama en kısa sürede halledin.",
        "ar": "لا يوجد تاريخ محدد، لكن رتّبوه في أقرب وقت ممكن.",
        "pl": "Brak stałego terminu, ale trzeba to załatwić jak najszybciej.",
    },
    "why": {
        "nl": "Waarom?",
        "en": "Why?",
        "tr": "Neden?",
        "ar": "لماذا؟",
        "pl": "Dlaczego?",
    },
    "how": {
        "nl": "Hoe regelt u het?",
        "en": "How do you arrange it?",
        "tr": "Nasıl halledersiniz?",
        "ar": "كيف ترتّبون ذلك؟",
        "pl": "Jak to załatwić?",
    },
    "call": {
        "nl": "Bel",
        "en": "Call",
        "tr": "Arayın:",
        "ar": "اتصلوا بـ",
        "pl": "Telefon:",
    },
    "website": {
        "nl": "Website",
        "en": "Website",
        "tr": "Web sitesi",
        "ar": "الموقع الإلكتروني",
        "pl": "Strona internetowa",
    },
    "desk": {
        "nl": "Balie",
        "en": "Desk",
        "tr": "Gişe",
        "ar": "المكتب",
        "pl": "Okienko",
    },
    "opening_hours": {
        "nl": "Open:",
        "en": "Open:",
        "tr": "Açık:",
        "ar": "مفتوح:",
        "pl": "Otwarte:",
    },
    "refer_note": {
        "nl": "Het voorportaal meldt u hier aan, als u dat goed vindt.",
        "en": "The voorportaal refers you here, if you agree.",
        "tr": "Kabul ederseniz Voorportaal sizi buraya yönlendirir.",
        "ar": "يسجّلكم Voorportaal هنا إذا وافقتم.",
        "pl": "Jeśli Pan/Pani się zgodzi, Voorportaal zgłosi tu Pana/Panią.",
    },
    "mark_done": {
        "nl": "Ik heb dit gedaan",
        "en": "I have done this",
        "tr": "Bunu yaptım",
        "ar": "لقد أنجزت هذا",
        "pl": "Zrobiłem/zrobiłam to",
    },
    "status_overdue": {
        "nl": "Te laat",
        "en": "Late",
        "tr": "Süresi geçti",
        "ar": "متأخر",
        "pl": "Po terminie",
    },
    "overdue_note": {
        "nl": "Deze datum is voorbij. Regel het zo snel mogelijk, of kies 'Ik wil iemand spreken'.",
        "en": "This date has passed. Arrange it as soon as you can, or choose 'I want to talk "
        "to a person'.",
        "tr": "Bu tarih geçti. En kısa sürede halledin veya 'Biriyle konuşmak istiyorum' seçeneğini seçin.",
        "ar": "هذا التاريخ قد مضى. رتّبوا الأمر في أقرب وقت ممكن، أو اختاروا «أريد التحدث مع شخص».",
        "pl": "Ten termin już minął. Prosimy załatwić to jak najszybciej albo wybrać „Chcę porozmawiać z człowiekiem”.",
    },
    "status_done": {
        "nl": "Gedaan",
        "en": "Done",
        "tr": "Yapıldı",
        "ar": "تم",
        "pl": "Zrobione",
    },
    "status_todo": {
        "nl": "Nog doen",
        "en": "To do",
        "tr": "Yapılacak",
        "ar": "لم يُنجز بعد",
        "pl": "Do zrobienia",
    },
    "mark_failed": {
        "nl": "Afvinken lukt nu niet. Probeer het later opnieuw.",
        "en": "Ticking off does not work right now. Try again later.",
        "tr": "İşaretleme şu anda çalışmıyor. Daha sonra tekrar deneyin.",
        "ar": "وضع العلامة لا يعمل الآن. حاولوا مرة أخرى لاحقًا.",
        "pl": "Odhaczanie teraz nie działa. Prosimy spróbować ponownie później.",
    },
    "print": {
        "nl": "Takenlijst afdrukken",
        "en": "Print the task list",
        "tr": "Görev listesini yazdır",
        "ar": "طباعة قائمة المهام",
        "pl": "Wydrukuj listę zadań",
    },
    "no_checklist": {
        "nl": "Er is niets dat u nu zelf hoeft te regelen.",
        "en": "There is nothing you need to arrange yourself right now.",
        "tr": "Şu anda kendinizin halletmesi gereken bir şey yok.",
        "ar": "لا يوجد شيء عليكم ترتيبه بأنفسكم الآن.",
        "pl": "Nie ma teraz nic do załatwienia samodzielnie.",
    },
    "to": {
        "nl": "tot",
        "en": "to",
        "tr": "-",
        "ar": "إلى",
        "pl": "do",
    },
    # Talk to a person (portal-b builds the page; this placeholder says so).
    "talk_title": {
        "nl": "Iemand spreken",
        "en": "Talk to a person",
        "tr": "Biriyle konuşun",
        "ar": "التحدث مع شخص",
        "pl": "Rozmowa z człowiekiem",
    },
    "talk_placeholder": {
        "nl": (
            "Hier kunt u binnenkort vragen of iemand u belt of dat u langs kunt komen. Dat "
            "werkt nog niet. Wilt u nu iemand spreken? Bel uw gemeente of ga naar de balie "
            "van het gemeentehuis."
        ),
        "en": (
            "Soon you can ask here for someone to call you or to visit a desk. That does not "
            "work yet. Do you want to talk to someone now? Call your municipality or go to "
            "the desk at the town hall."
        ),
        "tr": (
            "Yakında burada birinin sizi aramasını veya gişeye gelmek için randevu isteyebileceksiniz. Bu henüz çalışmıyor. Şimdi biriyle konuşmak mı istiyorsunuz? Gemeente'nizi (belediyenizi) arayın veya belediye binasındaki gişeye gidin."
        ),
        "ar": (
            "قريبًا يمكنكم أن تطلبوا هنا أن يتصل بكم شخص أو أن تزوروا مكتبًا. هذا لا يعمل بعد. هل تريدون التحدث مع شخص الآن؟ اتصلوا ببلديتكم (gemeente) أو اذهبوا إلى مكتب البلدية."
        ),
        "pl": (
            "Wkrótce będzie można tu poprosić o telefon od pracownika albo o wizytę w okienku. To jeszcze nie działa. Chce Pan/Pani porozmawiać z kimś teraz? Prosimy zadzwonić do gemeente (urząd gminy) albo przyjść do okienka w urzędzie gminy."
        ),
    },
}

MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "tr": (
        "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran",
        "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık",
    ),
    "ar": (
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
        "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
    ),
    "pl": (
        "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
        "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
    ),
}  # fmt: skip
"""Month names as a date is written out in each language (Polish in the genitive: "5 maja")."""

WEEKDAYS: Final[dict[str, tuple[str, ...]]] = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "tr": ("Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
}
"""Weekday names, Monday first (`date.weekday()`)."""


def long_date(day: date, language: str) -> str:
    """A date written out as people read it in `language`: "vrijdag 5 juni 2026",
    "Friday 5 June 2026", "5 Haziran 2026 Cuma", "الجمعة 5 يونيو 2026", "piątek, 5 czerwca 2026"."""
    language = known_language(language)
    weekday = WEEKDAYS[language][day.weekday()]
    month = MONTHS[language][day.month - 1]
    if language == "tr":
        return f"{day.day} {month} {day.year} {weekday}"
    if language == "pl":
        return f"{weekday}, {day.day} {month} {day.year}"
    return f"{weekday} {day.day} {month} {day.year}"


def text(key: str, language: str) -> str:
    """The text for `key` in `language` (Dutch for a language the portal does not speak)."""
    return TEXTS[key][known_language(language)]


def in_session_language(texts: dict[str, str]) -> rx.Var[str]:
    """One of `texts` (a text by language), the one in the session's language (reactive)."""
    from portal.state import PortalState

    cases = [(language, texts[language]) for language in LANGUAGES if language != "nl"]
    return cast("rx.Var[str]", rx.match(PortalState.lang, *cases, texts["nl"]))


def tr(key: str) -> rx.Var[str]:
    """The text for `key` in the session's language, as the page shows it (reactive)."""
    return in_session_language(TEXTS[key])


def local_text(given: object | None) -> dict[str, str]:
    """A content text (`LocalText`: Dutch and English always, Turkish, Arabic and Polish once
    translated) as all five languages, Dutch standing in for a translation not there yet; and
    under `lang_<xx>` the language each one is really in (for the element's `lang`)."""
    shown: dict[str, str] = {}
    dutch = str(getattr(given, "nl", "") or "") if given is not None else ""
    for language in LANGUAGES:
        own = getattr(given, language, None) if given is not None else None
        shown[language] = str(own or dutch)
        shown[f"lang_{language}"] = language if own else DEFAULT_LANGUAGE
    return shown


def say(texts: Any, *, key: str = "") -> rx.Var[str]:
    """A `local_text` held in state (a `dict[str, str]` var), in the session's language."""
    from portal.state import PortalState

    held = cast("rx.Var[Any]", texts).to(dict[str, str])
    cases = [
        (language, held[f"{key}{language}"].to(str)) for language in LANGUAGES if language != "nl"
    ]
    return cast("rx.Var[str]", rx.match(PortalState.lang, *cases, held[f"{key}nl"].to(str)))


def say_lang(texts: Any) -> rx.Var[str]:
    """The language a `local_text` is shown in right now (Dutch where a translation is missing),
    for the element's `lang`: a screen reader then reads a Dutch fallback as Dutch."""
    return say(texts, key="lang_")


def content(tag: Any, texts: Any, **props: Any) -> rx.Component:
    """An element showing a content text: in the session's language, its `lang` the language
    it is really in and `dir="auto"`, so a Dutch fallback on an Arabic page reads left to right."""
    return cast("rx.Component", tag(say(texts), lang=say_lang(texts), dir="auto", **props))
