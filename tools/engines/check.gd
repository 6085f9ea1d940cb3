# Godot 3: load the exported SpriteFrames from wherever the export folder sits in res://,
# rebuild every frame of every animation at its untrimmed size (region placed at the margin's
# offset) and save it as a PNG for check_engines.py to compare with its source sprite.
extends SceneTree

func _init():
	var frames = load(OS.get_environment("STUDIO_SPRITEFRAMES"))
	var out = OS.get_environment("STUDIO_OUT")
	if frames == null:
		print("RESULT error cannot load the SpriteFrames")
		quit(1)
		return
	for anim in frames.get_animation_names():
		for j in range(frames.get_frame_count(anim)):
			var texture = frames.get_frame(anim, j)
			var page = texture.atlas.get_data()
			page.convert(Image.FORMAT_RGBA8)
			var margin = texture.margin
			var image = Image.new()
			image.create(int(texture.region.size.x + margin.size.x), int(texture.region.size.y + margin.size.y), false, Image.FORMAT_RGBA8)
			image.blit_rect(page, texture.region, margin.position)
			image.save_png("%s/%s_%d.png" % [out, anim, j])
			# flags 4 is FLAG_FILTER: a filtered texture blurs pixel art.
			print("RESULT frame %s %d %d %d" % [anim, j, texture.get_instance_id(), texture.atlas.flags])
	quit()
