//! Progress on a terminal for the slow steps of a scan (reading the image, the layer walk with
//! its bytes, matching), in the `indicatif` style of `bulwark db update`. Nothing is drawn when
//! stderr is not a terminal or with `--quiet` ([`Ui::progress`]); a bar appears only after half
//! a second, so fast steps stay silent.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bulwark_scan::ScanEvent;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::Ui;

/// Steps shorter than this draw nothing.
const DELAY: Duration = Duration::from_millis(500);

fn hidden_until_slow(bar: &ProgressBar) {
    // Drawn only by the ticker below once the step has run for DELAY.
    bar.set_draw_target(ProgressDrawTarget::hidden());
}

fn show(bar: &ProgressBar) {
    bar.set_draw_target(ProgressDrawTarget::stderr());
    bar.enable_steady_tick(Duration::from_millis(120));
}

/// A spinner for a step without a measure (resolving and reading an image).
pub struct Spinner {
    bar: Option<ProgressBar>,
    stop: Option<std::sync::mpsc::Sender<()>>,
}

impl Spinner {
    /// Starts a spinner with `message` (shown after half a second on a terminal).
    pub fn new(ui: Ui, message: &str) -> Self {
        if !ui.progress() {
            return Self {
                bar: None,
                stop: None,
            };
        }
        let bar = ProgressBar::new_spinner();
        hidden_until_slow(&bar);
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message.to_owned());
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let shown = bar.clone();
        std::thread::spawn(move || {
            if rx.recv_timeout(DELAY).is_err() {
                show(&shown);
            }
        });
        Self {
            bar: Some(bar),
            stop: Some(tx),
        }
    }

    /// Clears the spinner.
    pub fn finish(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// The layer walk (bytes read, layers done) and matching, as one bar.
pub struct ScanBar {
    bar: Option<ProgressBar>,
    started: Instant,
    state: Mutex<(usize, usize)>,
}

impl ScanBar {
    /// A bar on a terminal, nothing elsewhere.
    pub fn new(ui: Ui) -> Self {
        let bar = ui.progress().then(|| {
            let bar = ProgressBar::new_spinner();
            hidden_until_slow(&bar);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {msg} {bytes} read ({bytes_per_sec}, {elapsed})",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Self {
            bar,
            started: Instant::now(),
            state: Mutex::new((0, 0)),
        }
    }

    /// The callback to hand to the scan, `None` when nothing is drawn.
    pub fn callback(&self) -> Option<Box<dyn Fn(ScanEvent) + Sync + '_>> {
        self.bar
            .as_ref()
            .map(|_| Box::new(|e| self.event(e)) as Box<dyn Fn(ScanEvent) + Sync + '_>)
    }

    fn event(&self, e: ScanEvent) {
        let Some(bar) = &self.bar else { return };
        if bar.is_hidden() && self.started.elapsed() >= DELAY {
            show(bar);
        }
        match e {
            ScanEvent::WalkStarted { layers, .. } => {
                if let Ok(mut s) = self.state.lock() {
                    *s = (0, layers);
                }
                bar.set_message(format!("walking {layers} layer(s)"));
            }
            ScanEvent::Walked { bytes } => bar.inc(bytes),
            ScanEvent::LayerDone => {
                if let Ok(mut s) = self.state.lock() {
                    s.0 += 1;
                    bar.set_message(format!("walking layers {}/{}", s.0, s.1));
                }
            }
            ScanEvent::Matching { packages } => {
                bar.set_message(format!(
                    "matching {packages} package(s) against the database"
                ));
            }
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
