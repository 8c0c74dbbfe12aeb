//! Solving the 4×4 symmetric positive-definite normal equations of one fix by Cholesky
//! factorisation: four unknowns do not call for a linear-algebra crate.

/// The solution `x` of `m x = v`, and the inverse of `m` (the covariance's shape), or `None` when
/// `m` is not positive definite (the receivers do not determine the position).
pub(crate) fn solve(m: [[f64; 4]; 4], v: [f64; 4]) -> Option<([f64; 4], [[f64; 4]; 4])> {
    let mut l = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..=i {
            let s: f64 = m[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    let substitute = |b: [f64; 4]| {
        let mut y = [0.0; 4];
        for i in 0..4 {
            y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
        }
        let mut x = [0.0; 4];
        for i in (0..4).rev() {
            x[i] = (y[i] - (i + 1..4).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
        }
        x
    };
    let mut inverse = [[0.0; 4]; 4];
    for (c, column) in (0..4).map(|c| {
        let mut e = [0.0; 4];
        e[c] = 1.0;
        (c, substitute(e))
    }) {
        for r in 0..4 {
            inverse[r][c] = column[r];
        }
    }
    Some((substitute(v), inverse))
}

#[cfg(test)]
mod tests {
    #[test]
    fn solves_and_inverts_a_positive_definite_system() {
        let m = [
            [4.0, 1.0, 0.0, 0.5],
            [1.0, 3.0, 0.2, 0.0],
            [0.0, 0.2, 2.0, 0.1],
            [0.5, 0.0, 0.1, 1.0],
        ];
        let x_true = [1.0, -2.0, 0.5, 3.0];
        let v: Vec<f64> = (0..4)
            .map(|i| (0..4).map(|j| m[i][j] * x_true[j]).sum())
            .collect();
        let (x, inv) = super::solve(m, [v[0], v[1], v[2], v[3]]).unwrap();
        for (i, row) in m.iter().enumerate() {
            assert!((x[i] - x_true[i]).abs() < 1e-12);
            // Row i of m times the inverse is row i of the identity.
            let product: Vec<f64> = (0..4)
                .map(|j| (0..4).map(|k| row[k] * inv[k][j]).sum())
                .collect();
            for (j, p) in product.iter().enumerate() {
                assert!((p - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
        let singular = [
            [1.0, 1.0, 0.0, 0.0],
            [1.0, 1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ];
        assert!(super::solve(singular, [0.0; 4]).is_none());
    }
}
