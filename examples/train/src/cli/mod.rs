//! The `drgan-train` command line (hand-rolled parser, no dependencies).

pub mod args;
pub mod synth_cmd;
pub mod train_cmd;
pub mod whiten_cmd;

/// Runs the command line `args` (without the program name); returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let result = match args.first().map(String::as_str) {
        Some("synth") => args::SynthArgs::parse(&args[1..]).and_then(|a| synth_cmd::run(&a)),
        Some("train") => train_cmd::train(&args[1..]),
        Some("export") => train_cmd::export(&args[1..]),
        Some("heldout") => train_cmd::heldout(&args[1..]),
        Some("whiten") => whiten_cmd::whiten(&args[1..]),
        Some("-h") | Some("--help") | None => {
            println!("{}", USAGE);
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

/// Help text.
pub const USAGE: &str = "drgan-train: DR-GAN training tools

USAGE:
  drgan-train synth --out DIR --identities N [--first-identity K] [--yaws LIST]
                    [--variations V] [--size S] [--threads T]
      Write PNGs and labels.csv for N identities x yaws x V variations.
  drgan-train synth --preview grid.png [--identities N] [--first-identity K] [--size S]
      Write a grid: identities as rows, yaws -90..90 step 15 as columns.
  drgan-train synth --measure [--identities N] [--threads T]
      Print images/s at 64 and 96 px and the identity distinctness figures
      (default N = 10000).

  drgan-train train --out RUN [--config paper|small|default|tiny] [--data synth|DIR]
                    [--steps N] [--resume] [options below]
      Train DR-GAN; RUN gets options.txt, log.csv, losses.png, samples_*.png and
      checkpoint/. --resume continues RUN from its checkpoint (--steps N raises the total).
  drgan-train export RUN --out DIR [--trained-on TEXT]
      Write RUN's checkpoint as a drgan bundle (encoder.onnx, decoder.onnx, pose.onnx);
      --trained-on replaces the description of the training written into it.
  drgan-train whiten BUNDLE --out DIR [--identities N] [--variations V] [--ridge R]
                     [--trained-on TEXT]
      Write BUNDLE with its features whitened within identities (WCCN): the mean and
      within-identity covariance of its features on N synthetic training identities
      (default 1000, V = 2 variations at every yaw) folded into the encoder, and undone
      in the decoder's first layer, so that synthesis is unchanged. R x the covariance's
      mean eigenvalue is added to each eigenvalue (default 0.01). TEXT replaces the
      description (default: the bundle's, with the whitening appended).
  drgan-train heldout RUN [--identities N]
      Rank-1 per yaw of RUN's checkpoint on N held-out synthetic identities (default 50);
      synthetic runs also log it to RUN/heldout.csv at every sample grid.

SYNTH OPTIONS:
  --yaws LIST        comma-separated degrees or START:END:STEP (default -90:90:15)
  --variations V     pictures per (identity, yaw), variations 0..V (default 1)
  --size S           square output size in pixels (default 96)
  --threads T        worker threads (default: all cores)

TRAIN OPTIONS:
  --config NAME      network config (default small); --size S, --width W, --nf N,
                     --nz N override its input size, width multiplier, Nf and Nz;
                     --decoder-width W gives the decoder a width multiplier of its own
  --data synth|DIR   synthetic faces rendered at start-up (default), or a folder with
                     labels.csv (path,identity,yaw_degrees; greyscale accepted)
  --identities N     synthetic training identities 0..N (default 1000)
  --variations V     synthetic pictures per identity and yaw (default 4)
  --scene per-picture|paired|studio|per-variation  synthetic lighting and background:
                     drawn for each picture so that they cannot stand in for identity
                     (default; the reconstruction target is then in another scene than
                     the input); `paired`: the same pictures, each target rendered while
                     the batch is drawn in its input's scene; `studio`: the same pictures,
                     each target the person's studio portrait at the target yaw (neutral
                     expression, grey background, frontal light), so that the decoder
                     learns sharp portraits; or shared by a variation's pictures at every
                     yaw (runs before --scene)
  --steps N          generator updates (default 1000)
  --warmup-steps W   the first W steps train only the encoder, with the identity loss,
                     on 4x the groups (default 0)
  --pose-scale K     the decoder's one-hot pose code is multiplied by K while training
                     (default 1); beside features of a much larger norm, K of about their
                     per-dimension size lets the decoder follow the pose from the first
                     steps. Fixed at a run's start; exported bundles take the plain code
  --groups G         identity groups per batch (default 8)
  --group n          pictures per group, fused by confidence (default 4; 1 = single-image)
  --lr LR            Adam learning rate (default 2e-4; beta1 0.5)
  --lr-schedule S    piecewise learning rate from given steps on: `STEP:LR,STEP:LR`
  --adv-weight W     G's adversarial terms (default 1; 0 = no discriminator: the decoder
                     learns poses from --rec-weight alone, a cheap autoencoder phase)
  --adv-from STEP    the adversarial terms and D start at STEP; until then (after the
                     warm-up) G trains as that autoencoder (default 0)
  --freeze-encoder-from STEP  from STEP on (not before the warm-up's end) the encoder
                     and its identity classifier stop learning: G's steps run the encoder
                     as exported, so the decoder learns alone and recognition stays put
  --d-from STEP      D learns from STEP (real identities and poses, 'synthesized') while
                     G ignores it until --adv-from (default: D starts at --adv-from)
  --d-init fresh|encoder  D's first step starts from its random weights (default) or
                     from a copy of the encoder and its identity classifier
  --d-reals inputs|inputs+targets  what D learns as real: the input pictures (default),
                     or also the pictures at the target poses, with their identities and
                     poses (with --scene studio: the portraits the decoder is asked for)
  --rec-weight W     L1 to the picture at the target pose (default 10; 0 = paper losses only)
  --perceptual-weight W  L1 to the picture at the target pose in the frozen encoder's
                     activations at each resolution, for sharper synthesis (default 0 = off)
  --id-weight W      softmax identity loss on the encoder's features (default 1; 0 = off)
  --proto-weight W   prototype loss on the features: each picture's cosine to its own
                     group's mean direction against the other groups' (default 0 = off)
  --init-from DIR    start from a bundle: its encoder (frozen from step 0) and its pose
                     head (as D's pose outputs; not with --d-init encoder, where D starts
                     as a copy of the imported encoder); the decoder starts afresh. DIR
                     must be of the run's config (input size, width, Nf, yaw bins)
  --decoder-from RUN with --resume: the decoder and D of RUN's checkpoint (a run of the
                     same networks and identities, e.g. a decoder trained with this
                     run's encoder frozen, --init-from its export) replace this
                     checkpoint's, so that encoder and decoder go on learning together
  --id-margin M      the identity loss as a cosine classifier (scale 30) with an additive
                     margin M on the true class (CosFace; e.g. 0.2); 0 = linear softmax
  --strong-d A       D accuracy above which G takes 2 steps per D step (default 0.9)
  --seed S           batches and noise (default 1)
  --sample-every K   steps between sample grids (default 250)
  --checkpoint-every K  steps between checkpoints and loss plots (default 250)
  --threads T        threads that render the synthetic data (default: all cores)
  --workers W        threads that share each batch, whole identity groups each, with
                     their own copies of the networks (default 1; the number of cores is
                     fastest); each part gets its own batch-norm statistics and
                     prototype loss, so W is part of a run's recipe
  --quiet            no progress bars";
