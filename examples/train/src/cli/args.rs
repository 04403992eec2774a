//! Argument parsing for `drgan-train synth`.

use std::path::PathBuf;

/// Options of `drgan-train synth`.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthArgs {
    pub out: Option<PathBuf>,
    pub preview: Option<PathBuf>,
    pub measure: bool,
    pub identities: Option<u64>,
    pub first_identity: u64,
    pub yaws: Vec<f32>,
    pub variations: u64,
    pub size: u32,
    pub threads: usize,
}

/// The 13 Multi-PIE yaws, -90..90 in 15 degree steps.
pub fn default_yaws() -> Vec<f32> {
    (0..13).map(|i| -90.0 + 15.0 * i as f32).collect()
}

fn parse_yaws(s: &str) -> Result<Vec<f32>, String> {
    let bad = || format!("bad --yaws `{s}` (want `a,b,c` or `start:end:step`)");
    let v: Vec<f32> = if s.contains(':') {
        let p: Vec<f32> = s
            .split(':')
            .map(|x| x.trim().parse().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        if p.len() != 3 || p[2] <= 0.0 {
            return Err(bad());
        }
        let n = ((p[1] - p[0]) / p[2]).floor() as i64;
        (0..=n.max(-1)).map(|i| p[0] + p[2] * i as f32).collect()
    } else {
        s.split(',')
            .map(|x| x.trim().parse().map_err(|_| bad()))
            .collect::<Result<_, _>>()?
    };
    if v.is_empty() || v.iter().any(|y| !(-90.0..=90.0).contains(y)) {
        return Err(format!(
            "--yaws must be non-empty and within [-90, 90]: `{s}`"
        ));
    }
    Ok(v)
}

impl SynthArgs {
    pub fn parse(args: &[String]) -> Result<SynthArgs, String> {
        let mut a = SynthArgs {
            out: None,
            preview: None,
            measure: false,
            identities: None,
            first_identity: 0,
            yaws: default_yaws(),
            variations: 1,
            size: 96,
            threads: crate::synth::dataset::default_threads(),
        };
        let mut it = args.iter();
        while let Some(k) = it.next() {
            let mut val = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{k} needs a value"))
            };
            let num = |v: String| {
                v.parse::<u64>()
                    .map_err(|_| format!("{k}: not a number: `{v}`"))
            };
            match k.as_str() {
                "--out" => a.out = Some(PathBuf::from(val()?)),
                "--preview" => a.preview = Some(PathBuf::from(val()?)),
                "--measure" => a.measure = true,
                "--identities" => a.identities = Some(num(val()?)?),
                "--first-identity" => a.first_identity = num(val()?)?,
                "--yaws" => a.yaws = parse_yaws(&val()?)?,
                "--variations" => a.variations = num(val()?)?.max(1),
                "--size" => {
                    a.size = num(val()?)? as u32;
                    if !(8..=1024).contains(&a.size) {
                        return Err("--size must be within 8..=1024".into());
                    }
                }
                "--threads" => a.threads = (num(val()?)? as usize).max(1),
                "-h" | "--help" => return Err(super::USAGE.to_string()),
                other => return Err(format!("unknown option `{other}`")),
            }
        }
        let modes = a.out.is_some() as u8 + a.preview.is_some() as u8 + a.measure as u8;
        if modes != 1 {
            return Err("give exactly one of --out DIR, --preview FILE, --measure".into());
        }
        if a.out.is_some() && a.identities.is_none() {
            return Err("--out needs --identities N".into());
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_a_dataset_command() {
        let a =
            SynthArgs::parse(&args("--out d --identities 5 --yaws -30:30:30 --size 64")).unwrap();
        assert_eq!(a.identities, Some(5));
        assert_eq!(a.yaws, vec![-30.0, 0.0, 30.0]);
        assert_eq!(a.size, 64);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(SynthArgs::parse(&args("--out d")).is_err());
        assert!(SynthArgs::parse(&args("--out d --identities 2 --yaws 100")).is_err());
        assert!(SynthArgs::parse(&args("--preview a.png --measure")).is_err());
        assert!(SynthArgs::parse(&args("--bogus")).is_err());
    }
}
