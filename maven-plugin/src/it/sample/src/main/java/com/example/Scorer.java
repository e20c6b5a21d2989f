package com.example;

import com.example.models.Mlp;

/** Application code compiled against the generated model class. */
public final class Scorer {
    private final Mlp model = Mlp.load();

    /** Scores a batch of rows of 100 features each: one probability per row. */
    public float[] score(float[] rows) {
        return model.predict(rows);
    }
}
