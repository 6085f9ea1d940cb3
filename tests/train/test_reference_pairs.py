"""Training a retrieval-augmented VAE: reference pairs, growing a plain model, the prior term."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from studio.train.reference_pairs import ReferencePicker


def _item(concept: str, source: str, key: str) -> dict[str, str]:
    return {"concept": concept, "source": source, "key": key, "caption": concept}


ITEMS = [
    _item("dragon", "fluent3d", "fluent3d:1f409"),  # 0
    _item("dragon", "noto", "noto:1f409"),  # 1
    _item("dragon", "fluent3d", "fluent3d:1f409#hue120"),  # 2: an augmented copy
    _item("health potion", "gameicons", "gameicons:health-potion"),  # 3: alone in its concept
    _item("health potion", "gameicons", "gameicons:health-potion#fill"),  # 4
    _item("arrow", "pixelarticons", "pixelarticons:arrow"),  # 5: not a bank source
]


def _picks(picker: ReferencePicker, row: int, draws: int = 64) -> set[int]:
    rows = torch.full((draws,), row, dtype=torch.int64)
    return set(picker.pick(rows, torch.Generator().manual_seed(row)).tolist())


def test_an_icon_draws_on_another_icon_of_its_concept_never_itself() -> None:
    picker = ReferencePicker(ITEMS, empty_share=0.0)
    assert _picks(picker, 0) == {1} and _picks(picker, 1) == {0}


def test_an_augmented_copy_draws_on_the_originals() -> None:
    picker = ReferencePicker(ITEMS, empty_share=0.0)
    assert _picks(picker, 2) == {0, 1}
    assert _picks(picker, 4) == {3}


def test_the_sole_icon_of_a_concept_is_its_own_reference_and_others_have_none() -> None:
    picker = ReferencePicker(ITEMS, empty_share=0.0)
    assert _picks(picker, 3) == {3}
    assert _picks(picker, 5) == {-1}


def test_a_share_of_references_is_left_empty() -> None:
    assert _picks(ReferencePicker(ITEMS, empty_share=1.0), 0) == {-1}
    assert -1 in _picks(ReferencePicker(ITEMS, empty_share=0.5), 0)


def _bank_data(model_training_data):
    # The synthetic shapes as if they were bank icons: one concept per caption's shape word.
    from studio.train.batches import TrainingData

    data = model_training_data
    items = [
        _item(caption.split()[-1], "fluent3d", f"fluent3d:{row}")
        for row, caption in enumerate(data.captions)
    ]
    return TrainingData(
        data.images.numpy(),
        data.pooled,
        data.tokens,
        data.mask,
        data.captions,
        data.train_indices.numpy(),
        data.heldout_indices.numpy(),
        items,
    )


def test_a_reference_row_of_minus_one_is_an_empty_sprite(model_training_data) -> None:
    images = model_training_data.reference_images(torch.tensor([-1, 0]))
    assert torch.all(images[0] == -1.0)  # transparent black in model space
    assert not torch.all(images[1] == -1.0)


def test_a_plain_vae_grows_a_reference_path_that_starts_silent(
    tmp_path, model_training_data, model_single_thread
) -> None:
    from studio.engine.builtin.vae import SpriteVAE
    from studio.train.recipes import get_recipe
    from studio.train.vae import VAETrainer

    recipe = get_recipe("vae", "tiny")
    assert recipe.config.reference_channels > 0
    torch.manual_seed(0)
    SpriteVAE(replace(recipe.config, reference_channels=0)).save_pretrained(tmp_path / "plain")
    plain = SpriteVAE.from_pretrained(tmp_path / "plain")  # as stored (float16 weights)
    trainer = VAETrainer(recipe, model_training_data, "cpu")
    trainer.init_from(tmp_path / "plain")
    grown = trainer.sampling_model()
    batch = model_training_data.batch(torch.arange(4))
    with torch.no_grad():
        cond = grown.text(batch.text)
        z = torch.randn(4, recipe.config.latent_dim)
        with_reference = grown.decode(z, replace(cond, reference=batch.images.flip(-1)))
        before = plain.decode(z, plain.text(batch.text))
    torch.testing.assert_close(with_reference, before)


def test_a_recipe_that_changes_more_than_the_reference_path_is_refused(
    tmp_path, model_training_data
) -> None:
    from studio.domain.errors import InvalidRequestError
    from studio.engine.builtin.vae import SpriteVAE
    from studio.train.recipes import get_recipe
    from studio.train.vae import VAETrainer

    recipe = get_recipe("vae", "tiny")
    other = replace(recipe.config, reference_channels=0, latent_dim=recipe.config.latent_dim + 1)
    SpriteVAE(other).save_pretrained(tmp_path / "other")
    with pytest.raises(InvalidRequestError, match="another architecture"):
        VAETrainer(recipe, model_training_data, "cpu").init_from(tmp_path / "other")


def test_training_with_references_reconstructs_from_the_prior_and_learns(
    model_training_data, model_single_thread
) -> None:
    from studio.train.recipes import get_recipe
    from studio.train.vae import VAETrainer

    data = _bank_data(model_training_data)
    recipe = get_recipe("vae", "tiny")
    torch.manual_seed(0)
    trainer = VAETrainer(recipe, data, "cpu")
    assert trainer.references is not None and trainer.references.coverage() > 0.5
    generator = torch.Generator().manual_seed(0)
    logs = []
    for step in range(40):
        rows = data.sample_indices(recipe.batch_size, generator)
        logs.append(trainer.train_step(data.batch(rows), step / 40))
    first = np.mean([row["prior_l1"] for row in logs[:5]])
    last = np.mean([row["prior_l1"] for row in logs[-5:]])
    assert last < first
    projections = trainer.model.decoder.reference.to_decoder
    assert any(float(p.weight.detach().abs().sum()) > 0 for p in projections)  # the path is used
