// Small browser helpers the console calls through IJSRuntime: session storage, sound, notifications.
window.parleyConsole = {
    load: (key) => window.sessionStorage.getItem(key),
    save: (key, value) => value === null ? window.sessionStorage.removeItem(key) : window.sessionStorage.setItem(key, value),
    notify: (title, body) => {
        try {
            const ctx = new (window.AudioContext || window.webkitAudioContext)();
            const osc = ctx.createOscillator();
            const gain = ctx.createGain();
            gain.gain.value = 0.05;
            osc.connect(gain).connect(ctx.destination);
            osc.frequency.value = 880;
            osc.start();
            osc.stop(ctx.currentTime + 0.15);
        } catch (e) { /* no audio: the badge still shows */ }
        if (!("Notification" in window)) return;
        if (Notification.permission === "granted") {
            new Notification(title, { body });
        } else if (Notification.permission === "default") {
            Notification.requestPermission();
        }
    },
    copy: (text) => navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.resolve(),
    focus: (id) => { const el = document.getElementById(id); if (el) el.focus(); },
    // While a suggestion list is open (data-suggesting), arrows, Enter and Escape choose in it
    // instead of moving the caret or adding a line; Blazor handles the key itself.
    trapSuggestionKeys: (id) => {
        const el = document.getElementById(id);
        if (!el || el.dataset.trapped) return;
        el.dataset.trapped = "true";
        el.addEventListener("keydown", (e) => {
            if (el.dataset.suggesting === "true" && ["ArrowDown", "ArrowUp", "Enter", "Escape"].includes(e.key)) e.preventDefault();
        });
    },
    scrollToEnd: (id) => { const el = document.getElementById(id); if (el) el.scrollTop = el.scrollHeight; },
};
