"""Texts of the console in Dutch (default) and English, and `tr` to show them reactively."""

from __future__ import annotations

from typing import Any, Final, cast

import reflex as rx

NL: Final[dict[str, str]] = {
    "app_title": "Voorportaal — buddyconsole",
    "skip": "Naar de inhoud",
    "lang_switch": "English",
    "lang_switch_label": "Switch to English",
    "sign_in_title": "Inloggen",
    "sign_in_intro": "Log in met uw medewerkersaccount.",
    "username": "Gebruikersnaam",
    "password": "Wachtwoord",
    "sign_in": "Inloggen",
    "sign_out": "Uitloggen",
    "wrong_password": "Gebruikersnaam of wachtwoord klopt niet.",
    "expired": "Uw sessie is verlopen omdat u een tijd niets hebt gedaan. Log opnieuw in.",
    "signed_out": "Log in om verder te gaan.",
    "oidc_sign_in": "Inloggen via de organisatie (OIDC)",
    "oidc_title": "Inloggen via OIDC",
    "oidc_busy": "U wordt doorgestuurd naar de inlogpagina van uw organisatie …",
    "oidc_failed_not_configured": "Inloggen via OIDC is niet ingesteld.",
    "oidc_failed_unreachable": "De inlogdienst is niet bereikbaar. Probeer het later opnieuw.",
    "oidc_failed_state": "Deze inlogpoging is verlopen of niet van deze pagina. Begin opnieuw.",
    "oidc_failed_refused": "De inlogdienst weigerde de inlogpoging. Begin opnieuw.",
    "oidc_failed_token": "Het antwoord van de inlogdienst klopt niet. U bent niet ingelogd.",
    "oidc_failed_no_role": "Uw account heeft geen rol in deze console (casemanager of supervisor).",
    "oidc_failed_denied": "Het inloggen is bij de inlogdienst afgebroken.",
    "back_to_sign_in": "Terug naar inloggen",
    "queue_title": "Werkvoorraad",
    "view_recommended": "Aanbevolen voor een buddy",
    "view_mine": "Mijn zaken",
    "view_team": "Zaken van mijn team",
    "views_label": "Welke zaken",
    "filters": "Filters",
    "f_life_event": "Levensgebeurtenis",
    "f_agency": "Instantie",
    "f_municipality": "Gemeente",
    "f_state": "Status",
    "apply_filters": "Filter toepassen",
    "clear_filters": "Filters wissen",
    "filter_any": "Alle",
    "col_case": "Zaak",
    "col_urgency": "Urgentie",
    "col_overdue": "Te laat",
    "col_life_events": "Levensgebeurtenissen",
    "col_agencies": "Instanties",
    "col_municipality": "Gemeente",
    "col_state": "Status",
    "col_owner": "Eigenaar",
    "overdue_yes": "te laat",
    "no_cases": "Geen zaken in deze lijst.",
    "loading": "Laden…",
    "live": "Wordt elke paar seconden ververst. Laatst bijgewerkt:",
    "dossier_unreachable": (
        "Het dossier is niet bereikbaar. Er worden geen zaken getoond tot het weer werkt."
    ),
    "routing_unreachable": "De verwijzingen zijn niet bereikbaar.",
    "refused": "U hebt geen toegang tot deze gegevens.",
    "api_error": "Er ging iets mis bij het ophalen van de gegevens.",
    "not_found": "Deze zaak bestaat niet.",
    "case_title": "Zaak",
    "triage_reasons": "Waarom (triage)",
    "urgency": "Urgentie",
    "owner": "Eigenaar",
    "redzaamheid": "Redzaamheid",
    "referrals": "Verwijzingen per instantie",
    "col_agency": "Instantie",
    "col_service": "Dienst",
    "col_due": "Uiterlijk",
    "col_waits_on": "Wacht op",
    "col_decline": "Reden afwijzing",
    "timeline": "Tijdlijn",
    "promises": "Beloftes",
    "contacts": "Contactmomenten",
    "col_when": "Wanneer",
    "col_what": "Wat",
    "col_who": "Wie",
    "empty": "Nog niets.",
    "supervisor_title": "Overzicht voor de supervisor",
    "forbidden": "Geen toegang: deze pagina is alleen voor supervisors.",
    "open_cases": "Open zaken",
    "unassigned": "Zonder eigenaar",
    "overdue_referrals": "Verwijzingen over tijd",
    "broken_promises": "Gebroken beloftes",
    "agency_figures": "Per instantie (kastje-muur)",
    "col_accept_hours": "Tijd tot accepteren (uur, mediaan)",
    "col_decline_rate": "Afwijzingen",
    "col_redirect_rate": "Doorverwezen",
    "nav_label": "Hoofdmenu",
    "signed_in_as": "Ingelogd als",
    # Zaak zoeken (pages/find.py)
    "find_title": "Zaak zoeken",
    "find_intro": (
        "Zoek op naam, BSN, zaaknummer, postcode of telefoonnummer. U vindt alleen zaken die u "
        "mag zien. Elke zoekopdracht wordt vastgelegd in het toegangslogboek."
    ),
    "find_term": "Zoekterm",
    "find_kind": "Zoeken op",
    "find_kind_any": "Herken het zelf",
    "find_kind_name": "Naam (deel van de naam)",
    "find_kind_bsn": "BSN",
    "find_kind_case_id": "Zaaknummer",
    "find_kind_postcode": "Postcode",
    "find_kind_phone": "Telefoonnummer",
    "find_submit": "Zoeken",
    "find_results": "Gevonden zaken",
    "find_none": "Geen zaken gevonden die u mag zien.",
    "find_bad_term": (
        "Deze zoekterm kan niet. Een BSN heeft 9 cijfers en klopt met de elfproef; een "
        "postcode is 4 cijfers en 2 letters (1234 AB); een telefoonnummer is bijvoorbeeld "
        "06-12345678; een naam heeft minstens 2 letters."
    ),
    "find_too_many": "U hebt te veel zoekopdrachten gedaan. Probeer het over een minuut opnieuw.",
    "find_recent": "Zaken die u onlangs opende",
    "find_recent_none": "U hebt nog geen zaken geopend.",
    "col_name": "Naam",
    "col_basis": "Waarom u deze zaak ziet",
    "col_opened": "Geopend",
    "name_hidden": "(niet zichtbaar voor u)",
}

EN: Final[dict[str, str]] = {
    "app_title": "Voorportaal — buddy console",
    "skip": "Skip to content",
    "lang_switch": "Nederlands",
    "lang_switch_label": "Schakel naar Nederlands",
    "sign_in_title": "Sign in",
    "sign_in_intro": "Sign in with your staff account.",
    "username": "Username",
    "password": "Password",
    "sign_in": "Sign in",
    "sign_out": "Sign out",
    "wrong_password": "Username or password is not correct.",
    "expired": "Your session expired after a period of inactivity. Please sign in again.",
    "signed_out": "Sign in to continue.",
    "oidc_sign_in": "Sign in through your organisation (OIDC)",
    "oidc_title": "Sign in with OIDC",
    "oidc_busy": "Taking you to your organisation's sign-in page …",
    "oidc_failed_not_configured": "Signing in through OIDC is not configured.",
    "oidc_failed_unreachable": "The sign-in service cannot be reached. Please try again later.",
    "oidc_failed_state": "This sign-in attempt expired or did not start here. Please start again.",
    "oidc_failed_refused": "The sign-in service refused the attempt. Please start again.",
    "oidc_failed_token": "The sign-in service's answer is not valid. You are not signed in.",
    "oidc_failed_no_role": "Your account has no role in this console (casemanager or supervisor).",
    "oidc_failed_denied": "Signing in was cancelled at the sign-in service.",
    "back_to_sign_in": "Back to sign in",
    "queue_title": "Work queue",
    "view_recommended": "Recommended for a buddy",
    "view_mine": "My cases",
    "view_team": "My team's cases",
    "views_label": "Which cases",
    "filters": "Filters",
    "f_life_event": "Life event",
    "f_agency": "Agency",
    "f_municipality": "Municipality",
    "f_state": "State",
    "apply_filters": "Apply filters",
    "clear_filters": "Clear filters",
    "filter_any": "All",
    "col_case": "Case",
    "col_urgency": "Urgency",
    "col_overdue": "Overdue",
    "col_life_events": "Life events",
    "col_agencies": "Agencies",
    "col_municipality": "Municipality",
    "col_state": "State",
    "col_owner": "Owner",
    "overdue_yes": "overdue",
    "no_cases": "No cases in this list.",
    "loading": "Loading…",
    "live": "Refreshes every few seconds. Last updated:",
    "dossier_unreachable": "The dossier cannot be reached. No cases are shown until it is back.",
    "routing_unreachable": "The referrals cannot be reached.",
    "refused": "You have no access to this data.",
    "api_error": "Something went wrong while fetching the data.",
    "not_found": "This case does not exist.",
    "case_title": "Case",
    "triage_reasons": "Why (triage)",
    "urgency": "Urgency",
    "owner": "Owner",
    "redzaamheid": "Self-reliance",
    "referrals": "Referrals per agency",
    "col_agency": "Agency",
    "col_service": "Service",
    "col_due": "Due",
    "col_waits_on": "Waits on",
    "col_decline": "Decline reason",
    "timeline": "Timeline",
    "promises": "Promises",
    "contacts": "Contact moments",
    "col_when": "When",
    "col_what": "What",
    "col_who": "Who",
    "empty": "Nothing yet.",
    "supervisor_title": "Supervisor overview",
    "forbidden": "No access: this page is for supervisors only.",
    "open_cases": "Open cases",
    "unassigned": "Without owner",
    "overdue_referrals": "Overdue referrals",
    "broken_promises": "Broken promises",
    "agency_figures": "Per agency (kastje-muur)",
    "col_accept_hours": "Time to accept (hours, median)",
    "col_decline_rate": "Declined",
    "col_redirect_rate": "Redirected",
    "nav_label": "Main menu",
    "signed_in_as": "Signed in as",
}

# -- the case page's sections and actions, the supervisor's figures ---------------------------
NL.update(
    {
        "view_mine_hint": "Overdrachten voor u staan bovenaan.",
        "handover_for_you": "overdracht voor u",
        "citizen": "Burger",
        "household": "Huishouden",
        "language": "Taal",
        "contact_channels": "Contact via",
        "representative": "Vertegenwoordiger",
        "life_events": "Levensgebeurtenissen",
        "risks": "Risico's",
        "status": "Status",
        "closed_on": "Gesloten op",
        "notifications": "Berichten aan de burger",
        "notifications_sent_failed": "verstuurd / mislukt",
        "refused_parts": "Niet zichtbaar voor u (niet gedeeld):",
        "pending_handover": "Overdracht gevraagd aan",
        "handover_note": "Notitie",
        "no_owner": "nog geen eigenaar",
        "actions": "Acties",
        "act_claim": "Eigenaar worden",
        "act_release": "Zaak loslaten",
        "act_accept": "Overdracht accepteren",
        "act_decline": "Overdracht weigeren",
        "act_cancel": "Overdracht intrekken",
        "act_handover": "Overdragen",
        "handover_title": "Warme overdracht aan een collega",
        "colleague": "Collega",
        "note": "Notitie voor de collega",
        "contact_title": "Contactmoment vastleggen",
        "channel": "Kanaal",
        "summary": "Samenvatting",
        "next_steps": "Volgende stappen",
        "send_confirmation": "Stuur de burger een schriftelijke bevestiging",
        "act_record": "Vastleggen",
        "promise_title": "Belofte of termijn vastleggen",
        "made_by_kind": "Wie belooft",
        "made_by": "Welke instantie (bij een belofte van een instantie)",
        "made_by_none": "— geen instantie —",
        "what": "Wat",
        "due_date": "Uiterlijk (datum)",
        "kind_agency": "Instantie",
        "kind_casemanager": "Casemanager",
        "kind_citizen": "Burger (termijn)",
        "act_fulfil": "Nagekomen",
        "act_nudge": "Herinner instantie",
        "refer_title": "Verwijzen naar een andere dienst",
        "service_id": "Dienst",
        "reason_note": "Waarom",
        "act_refer": "Verwijzen",
        "grant_title": "Delen namens de burger vastleggen",
        "agency_code": "Instantie (code)",
        "scopes": "Wat mag de instantie zien",
        "valid_until": "Geldig tot (datum)",
        "how_citizen_said": "Hoe de burger dit aangaf",
        "act_grant": "Delen vastleggen",
        "message_title": "Bericht aan de burger",
        "message_text": "Bericht",
        "act_send": "Versturen",
        "doorbraak_title": "Doorbraak voorstellen (supervisor tekent af)",
        "reason_code": "Welke regel staat in de weg",
        "doorbraak_note": "Waarom doorbreken",
        "act_propose": "Voorstellen",
        "act_approve": "Goedkeuren",
        "act_reject": "Afwijzen",
        "close_title": "Zaak sluiten",
        "outcome": "Uitkomst",
        "act_close": "Sluiten",
        "documents": "Documenten",
        "sharing": "Gedeeld met (wie mag wat zien, tot wanneer)",
        "messages": "Berichten en verzoeken aan de burger",
        "doorbraak": "Doorbraken",
        "checklist": "Checklist",
        "checklist_absent": "Het dossier heeft voor deze zaak geen checklist.",
        "checklist_counts": "Nog te doen / te laat:",
        "col_task": "Taak",
        "col_done_by": "Afgevinkt door",
        "checklist_late_marker": "checklist te laat",
        "checklist_todo_marker": "taken open",
        "col_citizen_work": "Burger",
        "wish_marker": "wil iemand spreken",
        "wish_channel": "Hoe",
        "wish_time": "Wanneer",
        "wish_answer_by": "Contact uiterlijk",
        "col_reminders": "Herinneringen",
        "col_outcome": "Uitkomst",
        "col_scopes": "Wat",
        "col_until": "Tot",
        "col_title": "Titel",
        "col_type": "Soort",
        "col_size": "Grootte",
        "revoked": "ingetrokken",
        "confirmation_sent": "bevestiging gevraagd",
        "ok_claim": "U bent nu eigenaar van deze zaak.",
        "ok_release": "U hebt de zaak losgelaten; ze staat weer in de werkvoorraad.",
        "ok_handover": "De overdracht is gevraagd. De collega moet die nog accepteren.",
        "ok_handover_accept": "U hebt de overdracht geaccepteerd en bent nu eigenaar.",
        "ok_handover_decline": "U hebt de overdracht geweigerd.",
        "ok_handover_cancel": "De overdracht is ingetrokken.",
        "ok_contact": "Het contactmoment is vastgelegd.",
        "ok_promise": "De belofte staat in het overzicht.",
        "ok_fulfil": "De belofte is als nagekomen gemarkeerd.",
        "ok_nudge": "De instantie krijgt een herinnering.",
        "ok_refer": "De verwijzing is gemaakt.",
        "ok_grant": "Het delen is vastgelegd.",
        "ok_message": "Het bericht staat klaar voor de burger.",
        "ok_propose": "De doorbraak is voorgesteld; een supervisor moet aftekenen.",
        "ok_approve": "De doorbraak is goedgekeurd.",
        "ok_reject": "De doorbraak is afgewezen.",
        "ok_close": "De zaak is gesloten.",
        "action_refused": "Niet gelukt:",
        "action_forbidden": "Dit mag u niet doen met uw rol.",
        "action_unreachable": "De dienst is niet bereikbaar; probeer het later opnieuw.",
        "bad_date": "Vul een geldige datum in (JJJJ-MM-DD).",
        "in_queue": "In de werkvoorraad",
        "handover_requested": "Overdracht loopt",
        "acute_cases": "Acuut",
        "col_referrals": "Verwijzingen",
        "col_overdue_referrals": "Te laat",
        "chart_accept": "Tijd tot accepteren (uur)",
        "chart_rates": "Afgewezen en doorverwezen (%)",
        "chart_broken": "Gebroken beloftes",
        "legend_hours": "uur",
        "legend_declined": "afgewezen",
        "legend_redirected": "doorverwezen",
        "legend_promises": "gebroken beloftes",
        "redirect_explain": (
            "Doorverwezen = afgewezen met de reden 'hoort bij een andere instantie' "
            "(van het kastje naar de muur)."
        ),
    }
)

EN.update(
    {
        "view_mine_hint": "Handovers for you come first.",
        "handover_for_you": "handover for you",
        "citizen": "Citizen",
        "household": "Household",
        "language": "Language",
        "contact_channels": "Contact through",
        "representative": "Representative",
        "life_events": "Life events",
        "risks": "Risks",
        "status": "Status",
        "closed_on": "Closed on",
        "notifications": "Messages to the citizen",
        "notifications_sent_failed": "sent / failed",
        "refused_parts": "Not visible to you (not shared):",
        "pending_handover": "Handover requested to",
        "handover_note": "Note",
        "no_owner": "no owner yet",
        "actions": "Actions",
        "act_claim": "Take ownership",
        "act_release": "Release case",
        "act_accept": "Accept handover",
        "act_decline": "Decline handover",
        "act_cancel": "Cancel handover",
        "act_handover": "Hand over",
        "handover_title": "Warm handover to a colleague",
        "colleague": "Colleague",
        "note": "Note for the colleague",
        "contact_title": "Record a contact moment",
        "channel": "Channel",
        "summary": "Summary",
        "next_steps": "Next steps",
        "send_confirmation": "Send the citizen a written confirmation",
        "act_record": "Record",
        "promise_title": "Record a promise or a term",
        "made_by_kind": "Who promises",
        "made_by": "Which agency (for an agency's promise)",
        "made_by_none": "— no agency —",
        "what": "What",
        "due_date": "Due (date)",
        "kind_agency": "Agency",
        "kind_casemanager": "Casemanager",
        "kind_citizen": "Citizen (term)",
        "act_fulfil": "Kept",
        "act_nudge": "Remind agency",
        "refer_title": "Refer to another service",
        "service_id": "Service",
        "reason_note": "Why",
        "act_refer": "Refer",
        "grant_title": "Record sharing on the citizen's behalf",
        "agency_code": "Agency (code)",
        "scopes": "What the agency may see",
        "valid_until": "Valid until (date)",
        "how_citizen_said": "How the citizen said so",
        "act_grant": "Record sharing",
        "message_title": "Message to the citizen",
        "message_text": "Message",
        "act_send": "Send",
        "doorbraak_title": "Propose a doorbraak (a supervisor signs off)",
        "reason_code": "Which rule stands in the way",
        "doorbraak_note": "Why override it",
        "act_propose": "Propose",
        "act_approve": "Approve",
        "act_reject": "Reject",
        "close_title": "Close the case",
        "outcome": "Outcome",
        "act_close": "Close",
        "documents": "Documents",
        "sharing": "Shared with (who may see what, until when)",
        "messages": "Messages and requests to the citizen",
        "doorbraak": "Doorbraak decisions",
        "checklist": "Checklist",
        "checklist_absent": "The dossier holds no checklist for this case.",
        "checklist_counts": "Still to do / late:",
        "col_task": "Task",
        "col_done_by": "Ticked off by",
        "checklist_late_marker": "checklist late",
        "checklist_todo_marker": "tasks open",
        "col_citizen_work": "Citizen",
        "wish_marker": "wants to talk to a person",
        "wish_channel": "How",
        "wish_time": "When",
        "wish_answer_by": "Contact by",
        "col_reminders": "Reminders",
        "col_outcome": "Outcome",
        "col_scopes": "What",
        "col_until": "Until",
        "col_title": "Title",
        "col_type": "Type",
        "col_size": "Size",
        "revoked": "revoked",
        "confirmation_sent": "confirmation requested",
        "ok_claim": "You now own this case.",
        "ok_release": "You released the case; it is back in the work queue.",
        "ok_handover": "The handover was requested. The colleague still has to accept it.",
        "ok_handover_accept": "You accepted the handover and now own the case.",
        "ok_handover_decline": "You declined the handover.",
        "ok_handover_cancel": "The handover was cancelled.",
        "ok_contact": "The contact moment was recorded.",
        "ok_promise": "The promise is in the ledger.",
        "ok_fulfil": "The promise was marked as kept.",
        "ok_nudge": "The agency gets a reminder.",
        "ok_refer": "The referral was made.",
        "ok_grant": "The sharing was recorded.",
        "ok_message": "The message is ready for the citizen.",
        "ok_propose": "The doorbraak was proposed; a supervisor must sign it off.",
        "ok_approve": "The doorbraak was approved.",
        "ok_reject": "The doorbraak was rejected.",
        "ok_close": "The case was closed.",
        "action_refused": "Not done:",
        "action_forbidden": "Your role may not do this.",
        "action_unreachable": "The service cannot be reached; please try again later.",
        "bad_date": "Enter a valid date (YYYY-MM-DD).",
        "in_queue": "In the work queue",
        "handover_requested": "Handover in progress",
        "acute_cases": "Acute",
        "col_referrals": "Referrals",
        "col_overdue_referrals": "Overdue",
        "chart_accept": "Time to accept (hours)",
        "chart_rates": "Declined and redirected (%)",
        "chart_broken": "Broken promises",
        "legend_hours": "hours",
        "legend_declined": "declined",
        "legend_redirected": "redirected",
        "legend_promises": "broken promises",
        "redirect_explain": (
            "Redirected = declined with the reason 'belongs to another agency' "
            "(from pillar to post)."
        ),
        "find_title": "Find a case",
        "find_intro": (
            "Search by name, BSN, case number, postcode or phone number. You only find cases you "
            "may see. Every search is recorded in the access log."
        ),
        "find_term": "Search term",
        "find_kind": "Search by",
        "find_kind_any": "Recognise it",
        "find_kind_name": "Name (part of the name)",
        "find_kind_bsn": "BSN",
        "find_kind_case_id": "Case number",
        "find_kind_postcode": "Postcode",
        "find_kind_phone": "Phone number",
        "find_submit": "Search",
        "find_results": "Cases found",
        "find_none": "No cases found that you may see.",
        "find_bad_term": (
            "This search term will not do. A BSN has 9 digits and passes the 11-proof; a postcode "
            "is 4 digits and 2 letters (1234 AB); a phone number is e.g. 06-12345678; a name has "
            "at least 2 letters."
        ),
        "find_too_many": "You searched too often. Try again in a minute.",
        "find_recent": "Cases you opened lately",
        "find_recent_none": "You have not opened any cases yet.",
        "col_name": "Name",
        "col_basis": "Why you see this case",
        "col_opened": "Opened",
        "name_hidden": "(not visible to you)",
    }
)

# -- the supervisor's trends, caseload and CSV exports (buddy/pages/figure_tables.py) ---------
NL.update(
    {
        "trends_title": "Per maand (kastje-muur)",
        "trends_explain": (
            "Per maand de verwijzingen die in die maand zijn gedaan (maanden in Nederlandse "
            "tijd); gebroken beloftes in de maand van hun datum."
        ),
        "complaints_not_yet": (
            "Klachten worden nog niet geregistreerd; zodra dat kan, staan ze hier per maand."
        ),
        "col_month": "Maand",
        "caseload_title": "Werklast per casemanager",
        "caseload_explain": (
            "Wacht op de casemanager = open verzoeken van burgers om iemand te spreken plus "
            "overdrachten die een collega aanbiedt."
        ),
        "col_casemanager": "Casemanager",
        "col_team": "Team",
        "col_open_cases": "Open zaken",
        "col_waiting": "Wacht op casemanager",
        "col_person_requests": "Wil iemand spreken",
        "col_handovers_offered": "Aangeboden overdrachten",
        "col_overdue_on_cases": "Verwijzingen te laat",
        "download_csv": "Download als CSV",
        "csv_percent": "(%)",
        "no_rows": "Geen gegevens.",
        "month_01": "januari",
        "month_02": "februari",
        "month_03": "maart",
        "month_04": "april",
        "month_05": "mei",
        "month_06": "juni",
        "month_07": "juli",
        "month_08": "augustus",
        "month_09": "september",
        "month_10": "oktober",
        "month_11": "november",
        "month_12": "december",
    }
)
EN.update(
    {
        "trends_title": "Per month (kastje-muur)",
        "trends_explain": (
            "Per month the referrals made in that month (months in Dutch time); broken "
            "promises in the month of their date."
        ),
        "complaints_not_yet": (
            "Complaints are not recorded yet; once they are, they appear here per month."
        ),
        "col_month": "Month",
        "caseload_title": "Caseload per casemanager",
        "caseload_explain": (
            "Waiting on the casemanager = open requests from citizens to talk to a person "
            "plus handovers a colleague offers."
        ),
        "col_casemanager": "Casemanager",
        "col_team": "Team",
        "col_open_cases": "Open cases",
        "col_waiting": "Waiting on casemanager",
        "col_person_requests": "Wants to talk to a person",
        "col_handovers_offered": "Handovers offered",
        "col_overdue_on_cases": "Overdue referrals",
        "download_csv": "Download as CSV",
        "csv_percent": "(%)",
        "no_rows": "No data.",
        "month_01": "January",
        "month_02": "February",
        "month_03": "March",
        "month_04": "April",
        "month_05": "May",
        "month_06": "June",
        "month_07": "July",
        "month_08": "August",
        "month_09": "September",
        "month_10": "October",
        "month_11": "November",
        "month_12": "December",
    }
)

# Intake at the desk and on the phone (`buddy.pages.desk`).
NL.update(
    {
        "desk_nav": "Intake afnemen",
        "desk_title": "Intake aan de balie of aan de telefoon",
        "desk_stage_start": "Stap 1 van 4: kanaal en levensgebeurtenissen",
        "desk_stage_question": "Stap 2 van 4: de vragen, één voor één",
        "desk_stage_contact": "Stap 3 van 4: contact en delen",
        "desk_stage_citizen": "Stap 4 van 4: wie is de inwoner",
        "desk_channel": "Hoe spreekt u de inwoner?",
        "desk_life_events": "Wat is er gebeurd? (één of meer)",
        "desk_start": "Intake starten",
        "desk_yes": "Ja",
        "desk_no": "Nee",
        "desk_back": "Vorige vraag",
        "desk_next": "Volgende",
        "desk_answered": "Vragen beantwoord:",
        "desk_script_contact": (
            'Lees voor: "We houden u op de hoogte. U krijgt een bericht als er nieuws is. '
            "In dat bericht staat niets over uw situatie, alleen een link. Via die link ziet u "
            'uw lijst: wat u moet regelen, bij wie en wanneer. Hoe wilt u dat bericht krijgen?"'
        ),
        "desk_script_share": (
            'Lees voor: "U kiest zelf welke instanties uw verhaal mogen zien. Dan hoeft u het '
            'niet steeds opnieuw te vertellen. U kunt dit later altijd weer veranderen."'
        ),
        "desk_channels": "Berichten krijgen via",
        "desk_email": "E-mailadres",
        "desk_phone": "Telefoonnummer (voor sms)",
        "desk_language": "Taal van de berichten en de lijst",
        "desk_share_with": "Mag het verhaal gedeeld worden met",
        "desk_citizen_intro": (
            "Alles is vrijwillig: een intake werkt ook zonder BSN. Deze gegevens gaan alleen "
            "naar het dossier en naar de instanties waarmee de inwoner deelt."
        ),
        "desk_name": "Naam",
        "desk_bsn": "BSN",
        "desk_date_of_birth": "Geboortedatum",
        "desk_postcode": "Postcode",
        "desk_house_number": "Huisnummer",
        "desk_submit": "Intake versturen en zaak openen",
        "desk_intake_unreachable": "De intake is niet bereikbaar. Probeer het zo opnieuw.",
        "desk_err_channel": "Kies balie of telefoon.",
        "desk_err_life_events": "Kies minstens één levensgebeurtenis.",
        "desk_err_choose": "Kies ja of nee.",
        "desk_err_number": "Vul een getal in, bijvoorbeeld 3 of 1250.",
        "desk_err_date": "Vul een datum in als dag-maand-jaar.",
        "desk_script_code": (
            'Lees voor: "U krijgt nu een code van 6 cijfers, per sms of e-mail. Wilt u die code '
            'voorlezen? Dan weten we zeker dat uw berichten goed aankomen."'
        ),
        "desk_code": "Code van 6 cijfers",
        "desk_verify": "Code controleren",
        "desk_code_later": "Later (de inwoner bevestigt zelf)",
        "desk_err_code": "Vul de code van 6 cijfers in.",
        "desk_err_code_wrong": (
            "Deze code klopt niet. Vraag de inwoner de code nog eens voor te lezen."
        ),
    }
)
EN.update(
    {
        "desk_nav": "Take an intake",
        "desk_title": "Intake at the desk or on the phone",
        "desk_stage_start": "Step 1 of 4: channel and life events",
        "desk_stage_question": "Step 2 of 4: the questions, one at a time",
        "desk_stage_contact": "Step 3 of 4: contact and sharing",
        "desk_stage_citizen": "Step 4 of 4: who the citizen is",
        "desk_channel": "How are you talking to the citizen?",
        "desk_life_events": "What happened? (one or more)",
        "desk_start": "Start the intake",
        "desk_yes": "Yes",
        "desk_no": "No",
        "desk_back": "Previous question",
        "desk_next": "Next",
        "desk_answered": "Questions answered:",
        "desk_script_contact": (
            'Read out (in Dutch): "We keep you informed. You get a message when there is news. '
            "The message says nothing about your situation, only a link. The link shows your "
            'list: what to arrange, where and by when. How would you like to get that message?"'
        ),
        "desk_script_share": (
            'Read out (in Dutch): "You decide which agencies may see your story. Then you do '
            'not have to tell it again and again. You can always change this later."'
        ),
        "desk_channels": "Receive messages by",
        "desk_email": "E-mail address",
        "desk_phone": "Phone number (for text messages)",
        "desk_language": "Language of the messages and the list",
        "desk_share_with": "The story may be shared with",
        "desk_citizen_intro": (
            "Everything is optional: an intake works without a BSN. These details go only to "
            "the dossier and to the agencies the citizen shares with."
        ),
        "desk_name": "Name",
        "desk_bsn": "BSN (citizen service number)",
        "desk_date_of_birth": "Date of birth",
        "desk_postcode": "Postcode",
        "desk_house_number": "House number",
        "desk_submit": "Submit the intake and open the case",
        "desk_intake_unreachable": "The intake cannot be reached. Try again in a moment.",
        "desk_err_channel": "Choose desk or phone.",
        "desk_err_life_events": "Choose at least one life event.",
        "desk_err_choose": "Choose yes or no.",
        "desk_err_number": "Enter a number, for example 3 or 1250.",
        "desk_err_date": "Enter a date as day-month-year.",
        "desk_script_code": (
            'Read out (in Dutch): "You are getting a code of 6 digits now, by text message or '
            'e-mail. Would you read it out to me? Then we know your messages arrive."'
        ),
        "desk_code": "Code of 6 digits",
        "desk_verify": "Check the code",
        "desk_code_later": "Later (the citizen confirms it themselves)",
        "desk_err_code": "Enter the code of 6 digits.",
        "desk_err_code_wrong": "This code is not right. Ask the citizen to read it out again.",
    }
)

# -- notifications for the signed-in staff member (header count, `/meldingen`) ----------------
NL.update(
    {
        "notices_title": "Meldingen",
        "notices_count_label": "Ongelezen meldingen",
        "notices_intro": (
            "Wat uw aandacht nodig heeft, per zaak. Deze lijst ververst zichzelf; "
            "de nieuwste staan bovenaan."
        ),
        "notices_none": "U hebt geen meldingen.",
        "notices_problem": "De meldingen zijn nu niet op te halen. Ze komen vanzelf terug.",
        "notices_col_when": "Wanneer",
        "notices_col_case": "Zaak",
        "notices_col_what": "Wat er gebeurde",
        "notices_new": "Nieuw",
        "notices_mark_read": "Gelezen",
        "notices_email_choice": (
            "Stuur mij bij elke nieuwe melding ook een e-mail (alleen een link naar de zaak)."
        ),
    }
)
EN.update(
    {
        "notices_title": "Notifications",
        "notices_count_label": "Unread notifications",
        "notices_intro": (
            "What needs your attention, per case. This list refreshes itself; "
            "the newest are at the top."
        ),
        "notices_none": "You have no notifications.",
        "notices_problem": "Notifications cannot be fetched right now. They will come back.",
        "notices_col_when": "When",
        "notices_col_case": "Case",
        "notices_col_what": "What happened",
        "notices_new": "New",
        "notices_mark_read": "Mark read",
        "notices_email_choice": (
            "Also send me an e-mail for each new notification (only a link to the case)."
        ),
    }
)

# The case page's jump bar (short names of its sections).
NL.update(
    {
        "case_nav_label": "Onderdelen van de zaak",
        "nav_checklist": "Checklist",
        "nav_referrals": "Verwijzingen",
        "nav_promises": "Beloftes",
        "nav_contacts": "Contact",
        "nav_messages": "Berichten",
        "nav_documents": "Documenten",
        "nav_sharing": "Delen",
        "nav_doorbraak": "Doorbraak",
        "nav_close": "Overdragen en sluiten",
        "nav_timeline": "Tijdlijn",
        "close_and_handover": "Overdragen en sluiten",
    }
)
EN.update(
    {
        "case_nav_label": "Parts of the case",
        "nav_checklist": "Checklist",
        "nav_referrals": "Referrals",
        "nav_promises": "Promises",
        "nav_contacts": "Contact",
        "nav_messages": "Messages",
        "nav_documents": "Documents",
        "nav_sharing": "Sharing",
        "nav_doorbraak": "Doorbraak",
        "nav_close": "Hand over and close",
        "nav_timeline": "Timeline",
        "close_and_handover": "Hand over and close",
    }
)

# -- sharing and mandates on the case page (`pages/case/sharing.py`) -------------------------
NL.update(
    {
        "sh_agency": "Instantie",
        "sh_not_shown": (
            "Met wie de burger deelt en wie gemachtigd is, toont het dossier u bij deze zaak "
            "niet (u bent geen eigenaar en niet van het team)."
        ),
        "sh_choose": "Kies …",
        "sh_col_recorded": "Vastgelegd door",
        "sh_active": "Geldig",
        "sh_revoked_on": "Ingetrokken op",
        "sh_act_revoke": "Intrekken",
        "sh_revoke_title": "Intrekken:",
        "sh_revoke_confirm": "Intrekken vastleggen",
        "sh_cancel": "Annuleren",
        "sh_mandates": "Machtigingen (wie namens de burger mag optreden)",
        "sh_mandate_title": "Machtiging vastleggen namens de burger",
        "sh_holder": "Naam van de gemachtigde",
        "sh_relation": "Relatie tot de burger",
        "sh_mandate_scopes": "Wat mag de gemachtigde",
        "sh_act_mandate": "Machtiging vastleggen",
        "sh_col_holder": "Gemachtigde",
        "sh_col_relation": "Relatie",
        "sh_col_may": "Mag",
        "ok_revoke": "Het delen is ingetrokken.",
        "ok_mandate": "De machtiging is vastgelegd.",
        "ok_mandate_revoke": "De machtiging is ingetrokken.",
        "action_sh_agency": "Instantie: kies met welke instantie de burger deelt.",
        "action_sh_scopes": "Wat mag: vink minstens één ding aan.",
        "action_sh_date": "Geldig tot: vul een geldige datum in (JJJJ-MM-DD).",
        "action_sh_channel": (
            "Hoe de burger dit aangaf: kies hoe de burger het u liet weten "
            "(dat wordt bij de keuze vastgelegd)."
        ),
        "action_sh_holder": "Naam van de gemachtigde: vul een naam in (hoogstens 120 tekens).",
        "action_sh_relation": "Relatie tot de burger: kies de relatie.",
    }
)
EN.update(
    {
        "sh_agency": "Agency",
        "sh_not_shown": (
            "The dossier does not show you with whom the citizen shares or who holds a mandate "
            "on this case (you are not its owner and not of its team)."
        ),
        "sh_choose": "Choose …",
        "sh_col_recorded": "Recorded by",
        "sh_active": "Valid",
        "sh_revoked_on": "Revoked on",
        "sh_act_revoke": "Revoke",
        "sh_revoke_title": "Revoke:",
        "sh_revoke_confirm": "Record the revocation",
        "sh_cancel": "Cancel",
        "sh_mandates": "Mandates (who may act on the citizen's behalf)",
        "sh_mandate_title": "Record a mandate on the citizen's behalf",
        "sh_holder": "Name of the representative",
        "sh_relation": "Relation to the citizen",
        "sh_mandate_scopes": "What the representative may do",
        "sh_act_mandate": "Record the mandate",
        "sh_col_holder": "Representative",
        "sh_col_relation": "Relation",
        "sh_col_may": "May",
        "ok_revoke": "The sharing was revoked.",
        "ok_mandate": "The mandate was recorded.",
        "ok_mandate_revoke": "The mandate was revoked.",
        "action_sh_agency": "Agency: choose the agency the citizen shares with.",
        "action_sh_scopes": "What: tick at least one.",
        "action_sh_date": "Valid until: enter a valid date (YYYY-MM-DD).",
        "action_sh_channel": (
            "How the citizen said so: choose how the citizen told you "
            "(it is recorded with the choice)."
        ),
        "action_sh_holder": "Name of the representative: enter a name (at most 120 characters).",
        "action_sh_relation": "Relation to the citizen: choose the relation.",
    }
)

# The case page's documents: upload, download, asking the citizen for one (pages/case/documents.py).
NL.update(
    {
        "doc_col_by": "Toegevoegd door",
        "doc_col_shared": "Gedeeld met",
        "doc_col_file": "Bestand",
        "doc_col_asked": "Gevraagd op",
        "doc_untitled": "(zonder titel)",
        "doc_shared_all": "Instanties die documenten mogen zien",
        "doc_download": "Downloaden",
        "doc_add_title": "Document toevoegen",
        "doc_kinds": "Een PDF, JPEG of PNG van hoogstens",
        "doc_choose": "Bestand kiezen",
        "doc_drop": "of sleep het bestand hierheen.",
        "doc_field_title": "Titel",
        "doc_share_title": "Alleen delen met bepaalde instanties (kies er een of meer)",
        "doc_share_hint": (
            "Niets gekozen: elke instantie waarmee de burger documenten deelt, ziet het."
        ),
        "doc_add": "Document toevoegen",
        "doc_request_title": "Document opvragen",
        "doc_request_hint": (
            "De burger ziet dit in het portaal als iets om te doen en kan het document daar "
            "uploaden."
        ),
        "doc_field_what": "Welk document",
        "doc_what_example": "Bijvoorbeeld: uw huurcontract",
        "doc_field_due": "Graag voor",
        "doc_request": "Opvragen bij de burger",
        "doc_requested": "Opgevraagd bij de burger",
        "ok_document_added": "Het document is toegevoegd.",
        "ok_document_downloaded": "Het document is gedownload.",
        "ok_document_requested": (
            "Het document is opgevraagd. De burger ziet het in het portaal als iets om te doen."
        ),
        "action_document_refused": "Het dossier nam dit niet aan:",
        "action_document_unreachable": (
            "Het dossier is nu niet bereikbaar. Er is niets veranderd; probeer het zo nog eens."
        ),
        "action_document_no_title": "Titel: geef het document een titel. Er is niets toegevoegd.",
        "action_document_no_file": (
            "Bestand: kies eerst een PDF, JPEG of PNG. Er is niets toegevoegd."
        ),
        "action_document_not_accepted": (
            "Bestand: alleen een PDF, JPEG of PNG kan worden toegevoegd. Er is niets toegevoegd."
        ),
        "action_document_no_what": (
            "Welk document: schrijf op welk document u vraagt. Er is niets opgevraagd."
        ),
        "action_document_bad_date": (
            "Graag voor: kies een datum in de toekomst. Er is niets opgevraagd."
        ),
    }
)
EN.update(
    {
        "doc_col_by": "Added by",
        "doc_col_shared": "Shared with",
        "doc_col_file": "File",
        "doc_col_asked": "Asked on",
        "doc_untitled": "(untitled)",
        "doc_shared_all": "Agencies allowed to see documents",
        "doc_download": "Download",
        "doc_add_title": "Add a document",
        "doc_kinds": "A PDF, JPEG or PNG of at most",
        "doc_choose": "Choose file",
        "doc_drop": "or drag the file here.",
        "doc_field_title": "Title",
        "doc_share_title": "Share only with certain agencies (choose one or more)",
        "doc_share_hint": "None chosen: every agency the citizen shares documents with sees it.",
        "doc_add": "Add document",
        "doc_request_title": "Ask for a document",
        "doc_request_hint": (
            "The citizen sees this in the portal as something to do and can upload the "
            "document there."
        ),
        "doc_field_what": "Which document",
        "doc_what_example": "For example: your rental contract",
        "doc_field_due": "Please by",
        "doc_request": "Ask the citizen",
        "doc_requested": "Asked of the citizen",
        "ok_document_added": "The document was added.",
        "ok_document_downloaded": "The document was downloaded.",
        "ok_document_requested": (
            "The document was asked for. The citizen sees it in the portal as something to do."
        ),
        "action_document_refused": "The dossier did not accept this:",
        "action_document_unreachable": (
            "The dossier cannot be reached right now. Nothing changed; try again shortly."
        ),
        "action_document_no_title": "Title: give the document a title. Nothing was added.",
        "action_document_no_file": "File: choose a PDF, JPEG or PNG first. Nothing was added.",
        "action_document_not_accepted": (
            "File: only a PDF, JPEG or PNG can be added. Nothing was added."
        ),
        "action_document_no_what": (
            "Which document: write which document you ask for. Nothing was asked."
        ),
        "action_document_bad_date": "Please by: choose a date in the future. Nothing was asked.",
    }
)

# Supervisor reassign, reopening a closed case, and the contact-load meter (case page).
NL.update(
    {
        "supervise_title": "Toewijzen en heropenen",
        "reassign_title": "Zaak toewijzen aan een casemanager",
        "reassign_to": "Casemanager",
        "act_reassign": "Toewijzen",
        "ok_reassign": "De zaak is toegewezen. De nieuwe eigenaar krijgt een melding.",
        "action_bad_casemanager": (
            "Casemanager: kies een casemanager uit de lijst. Er is niets veranderd."
        ),
        "reopen_title": "Zaak heropenen",
        "reopen_intro": (
            "Deze zaak is gesloten. Heropen de zaak als er weer werk aan is; "
            "de tijdlijn houdt bij wie dat deed en wanneer."
        ),
        "act_reopen": "Zaak heropenen",
        "ok_reopen": "De zaak is heropend.",
        "contact_load": "Contactbelasting",
        "load_week": "Berichten deze week",
        "load_bundled": "gebundelde meldingen",
        "load_actions": "actie gevraagd",
        "load_day": "laatste 24 uur",
        "load_month": "laatste 30 dagen",
        "load_level": "belasting",
        "load_deferred": "{count} uitgesteld tot {until}",
        "load_weekdays": "ma di wo do vr za zo",
        "load_months": "jan feb mrt apr mei jun jul aug sep okt nov dec",
        "load_loading": "Contactbelasting ophalen…",
        "load_unreachable": (
            "De berichtendienst is niet bereikbaar: de contactbelasting is nu niet te zien. "
            "De rest van de zaak werkt gewoon."
        ),
        "load_refused": "De berichtendienst laat u de contactbelasting van deze zaak niet zien.",
        "load_error": "De contactbelasting kan nu niet worden opgehaald.",
    }
)
EN.update(
    {
        "supervise_title": "Assign and reopen",
        "reassign_title": "Assign the case to a casemanager",
        "reassign_to": "Casemanager",
        "act_reassign": "Assign",
        "ok_reassign": "The case was assigned. The new owner gets a notification.",
        "action_bad_casemanager": (
            "Casemanager: choose a casemanager from the list. Nothing was changed."
        ),
        "reopen_title": "Reopen the case",
        "reopen_intro": (
            "This case is closed. Reopen it when there is work on it again; "
            "the timeline records who did so and when."
        ),
        "act_reopen": "Reopen case",
        "ok_reopen": "The case was reopened.",
        "contact_load": "Contact load",
        "load_week": "Messages this week",
        "load_bundled": "updates bundled",
        "load_actions": "asked for action",
        "load_day": "last 24 hours",
        "load_month": "last 30 days",
        "load_level": "load",
        "load_deferred": "{count} deferred until {until}",
        "load_weekdays": "Mon Tue Wed Thu Fri Sat Sun",
        "load_months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "load_loading": "Fetching the contact load…",
        "load_unreachable": (
            "The messaging service cannot be reached: the contact load cannot be shown now. "
            "The rest of the case works as usual."
        ),
        "load_refused": "The messaging service does not show you this case's contact load.",
        "load_error": "The contact load cannot be fetched right now.",
    }
)

LANGUAGES: Final = ("nl", "en")


def tr(key: str) -> rx.Var[str]:
    """The text for `key` in the language of the session (Dutch unless switched)."""
    from buddy.state import SessionState

    return cast("rx.Var[str]", rx.cond(SessionState.lang == "en", EN[key], NL[key]))


def say(words: Any) -> rx.Var[str]:
    """A `buddy.labels.Words` held in state (a row's code as words), in the session language."""
    from buddy.state import SessionState

    return cast("rx.Var[str]", rx.cond(SessionState.lang == "en", words.en, words.nl))


def say_code(kind: str, code: str) -> rx.Var[str]:
    """A code known when the page is built (a form's choices), as words in the session
    language, from the label table."""
    from buddy.labels import words
    from buddy.state import SessionState

    found = words(kind, code)
    return cast("rx.Var[str]", rx.cond(SessionState.lang == "en", found.en, found.nl))
