# Godot 4 (web build): load the exported SpriteFrames and TileSet from wherever the export
# folders sit in res://, rebuild every animation frame at its untrimmed size (region placed at
# the margin's offset) and every tile from its atlas region, and print each as a base64 PNG
# for check_engines.py (the page posts the printed lines back).
extends Node

func _ready():
	var frames = load("res://assets/hero/hero.tres")
	if frames == null:
		print("RESULT error cannot load the SpriteFrames")
	else:
		for anim in frames.get_animation_names():
			for j in range(frames.get_frame_count(anim)):
				var texture = frames.get_frame_texture(anim, j)
				var page = texture.atlas.get_image()
				page.convert(Image.FORMAT_RGBA8)
				var margin = texture.margin
				var size = Vector2i(texture.region.size + margin.size)
				var image = Image.create_empty(size.x, size.y, false, Image.FORMAT_RGBA8)
				image.blit_rect(page, Rect2i(texture.region), Vector2i(margin.position))
				print("RESULT frame %s %d %s" % [anim, j, Marshalls.raw_to_base64(image.save_png_to_buffer())])
	var tileset = load("res://assets/tiles/dungeon.tileset.tres")
	if tileset == null:
		print("RESULT error cannot load the TileSet")
	else:
		var source = tileset.get_source(tileset.get_source_id(0))
		var sheet = source.texture.get_image()
		sheet.convert(Image.FORMAT_RGBA8)
		for i in range(source.get_tiles_count()):
			var coords = source.get_tile_id(i)
			var tile = sheet.get_region(source.get_tile_texture_region(coords))
			print("RESULT tile %d %d %s" % [coords.x, coords.y, Marshalls.raw_to_base64(tile.save_png_to_buffer())])
	print("RESULT done")
